// Native hashing kernels for the hash workers. Node's crypto.hash() costs a few microseconds of
// set-up per call, which is a third of the work when v2 hashes every 16 KiB block on its own; these
// loops call the SHA-1/SHA-256 of the OpenSSL that Node itself exports, with no per-block overhead.
// Optional: when the addon is not built, the workers use node:crypto and get the same hashes.
#define NAPI_VERSION 8
#include <node_api.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 16384

static int bytes_arg(napi_env env, napi_value value, uint8_t **data, size_t *length) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  void *raw;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, &buffer, &offset) != napi_ok) return 0;
  if (type != napi_uint8_array) return 0;
  *data = (uint8_t *)raw;
  return 1;
}

static int size_arg(napi_env env, napi_value value, size_t *out) {
  double d;
  if (napi_get_value_double(env, value, &d) != napi_ok || d < 0 || d > 9007199254740991.0) return 0;
  *out = (size_t)d;
  return 1;
}

static napi_value fail(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

// merklePieces(data, length, pieceLength, width, roots): for each piece of data[0, length), the
// root of its 16 KiB-block SHA-256 tree padded with zero leaves to `width` leaves.
static napi_value merkle_pieces(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  uint8_t *data, *roots;
  size_t data_len, roots_len, length, piece_length, width;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 5 || !bytes_arg(env, argv[0], &data, &data_len) || !size_arg(env, argv[1], &length) ||
      !size_arg(env, argv[2], &piece_length) || !size_arg(env, argv[3], &width) || !bytes_arg(env, argv[4], &roots, &roots_len))
    return fail(env, "merklePieces(data, length, pieceLength, width, roots)");
  size_t pieces = (length + piece_length - 1) / piece_length;
  if (length > data_len || piece_length < BLOCK || piece_length % BLOCK != 0 || width == 0 || (width & (width - 1)) != 0 ||
      width * BLOCK < (length < piece_length ? length : piece_length) || roots_len < pieces * 32)
    return fail(env, "merklePieces: sizes do not fit");
  uint8_t *leaves = malloc(width * 32);
  if (!leaves) return fail(env, "merklePieces: out of memory");
  for (size_t p = 0; p < pieces; p++) {
    size_t start = p * piece_length;
    size_t n = length - start < piece_length ? length - start : piece_length;
    size_t blocks = (n + BLOCK - 1) / BLOCK;
    memset(leaves, 0, width * 32);
    for (size_t b = 0; b < blocks; b++) {
      size_t s = b * BLOCK;
      SHA256(data + start + s, n - s < BLOCK ? n - s : BLOCK, leaves + b * 32);
    }
    for (size_t w = width; w > 1; w /= 2)
      for (size_t i = 0; i < w / 2; i++) SHA256(leaves + i * 64, 64, leaves + i * 32);
    memcpy(roots + p * 32, leaves, 32);
  }
  free(leaves);
  return NULL;
}

// sha1Pieces(data, length, pieceLength, out): SHA-1 of each piece of data[0, length).
static napi_value sha1_pieces(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  uint8_t *data, *out;
  size_t data_len, out_len, length, piece_length;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 4 || !bytes_arg(env, argv[0], &data, &data_len) || !size_arg(env, argv[1], &length) ||
      !size_arg(env, argv[2], &piece_length) || !bytes_arg(env, argv[3], &out, &out_len))
    return fail(env, "sha1Pieces(data, length, pieceLength, out)");
  size_t pieces = (length + piece_length - 1) / piece_length;
  if (length > data_len || piece_length == 0 || out_len < pieces * 20) return fail(env, "sha1Pieces: sizes do not fit");
  for (size_t p = 0; p < pieces; p++) {
    size_t start = p * piece_length;
    SHA1(data + start, length - start < piece_length ? length - start : piece_length, out + p * 20);
  }
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"merklePieces", NULL, merkle_pieces, NULL, NULL, NULL, napi_default, NULL},
      {"sha1Pieces", NULL, sha1_pieces, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, 2, props);
  return exports;
}
