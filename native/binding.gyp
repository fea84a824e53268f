# The native addon (tongban_native.node), built by native/build.mjs at npm install.
# N-API only, so the same build loads in Node and in Electron (no rebuild per ABI).
{
  "targets": [
    {
      "target_name": "tongban_native",
      "sources": ["src/tongban_native.cc"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "defines": ["NAPI_VERSION=8"],
      "cflags_cc": ["-std=c++17"],
      "conditions": [
        ["OS=='linux'", {"libraries": ["-ldl", "-lpthread"]}],
        ["OS=='mac'", {"xcode_settings": {"CLANG_CXX_LANGUAGE_STANDARD": "c++17", "MACOSX_DEPLOYMENT_TARGET": "11.0"}}],
        ["OS=='win'", {"msvs_settings": {"VCCLCompilerTool": {"AdditionalOptions": ["/std:c++17"]}}}]
      ]
    }
  ]
}
