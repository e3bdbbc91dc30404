{
  "targets": [
    {
      "target_name": "netdoc_native",
      "sources": ["src/native/pcap-scan.c", "src/native/flow-engine.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-ffp-contract=off"],
      "libraries": ["-lm", "-lpthread"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
