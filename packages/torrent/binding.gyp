{
  "targets": [
    {
      "target_name": "seedpress_hash",
      "sources": ["native/hash.c"],
      "cflags": ["-O3", "-Wno-deprecated-declarations"]
    }
  ]
}
