cmd_Release/obj.target/seedpress_hash/native/hash.o := cc -o Release/obj.target/seedpress_hash/native/hash.o ../native/hash.c '-DNODE_GYP_MODULE_NAME=seedpress_hash' '-DUSING_UV_SHARED=1' '-DUSING_V8_SHARED=1' '-DV8_DEPRECATION_WARNINGS=1' '-D_GLIBCXX_USE_CXX11_ABI=1' '-D_FILE_OFFSET_BITS=64' '-D_LARGEFILE_SOURCE' '-D__STDC_FORMAT_MACROS' '-DOPENSSL_NO_PINSHARED' '-DOPENSSL_THREADS' '-DBUILDING_NODE_EXTENSION' -I/usr/include/node -I/usr/src -I/usr/deps/openssl/config -I/usr/deps/openssl/openssl/include -I/usr/deps/uv/include -I/usr/deps/zlib -I/usr/deps/v8/include  -fPIC -pthread -Wall -Wextra -Wno-unused-parameter -O3 -Wno-deprecated-declarations -m64 -O3 -fno-omit-frame-pointer  -MMD -MF ./Release/.deps/Release/obj.target/seedpress_hash/native/hash.o.d.raw   -c
Release/obj.target/seedpress_hash/native/hash.o: ../native/hash.c \
 /usr/include/node/node_api.h /usr/include/node/js_native_api.h \
 /usr/include/node/js_native_api_types.h \
 /usr/include/node/node_api_types.h /usr/include/node/openssl/sha.h \
 /usr/include/node/openssl/macros.h \
 /usr/include/node/openssl/opensslconf.h \
 /usr/include/node/openssl/configuration.h \
 /usr/include/node/openssl/./configuration_asm.h \
 /usr/include/node/openssl/././archs/linux-x86_64/asm/include/openssl/configuration.h \
 /usr/include/node/openssl/opensslv.h \
 /usr/include/node/openssl/./opensslv_asm.h \
 /usr/include/node/openssl/././archs/linux-x86_64/asm/include/openssl/opensslv.h \
 /usr/include/node/openssl/e_os2.h
../native/hash.c:
/usr/include/node/node_api.h:
/usr/include/node/js_native_api.h:
/usr/include/node/js_native_api_types.h:
/usr/include/node/node_api_types.h:
/usr/include/node/openssl/sha.h:
/usr/include/node/openssl/macros.h:
/usr/include/node/openssl/opensslconf.h:
/usr/include/node/openssl/configuration.h:
/usr/include/node/openssl/./configuration_asm.h:
/usr/include/node/openssl/././archs/linux-x86_64/asm/include/openssl/configuration.h:
/usr/include/node/openssl/opensslv.h:
/usr/include/node/openssl/./opensslv_asm.h:
/usr/include/node/openssl/././archs/linux-x86_64/asm/include/openssl/opensslv.h:
/usr/include/node/openssl/e_os2.h:
