{
  "targets": [
    {
      "target_name": "seedpress_hash",
      "sources": ["hash.c"],
      "cflags": ["-O3", "-Wno-deprecated-declarations"]
    }
  ]
}
