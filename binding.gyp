{
  "targets": [
    {
      "target_name": "prunerl",
      "sources": [
        "<!@(node -e \"const fs=require('fs');for(const d of ['native/base','native/cpu','native/model','native/napi'])for(const f of fs.readdirSync(d).sort())if(f.endsWith('.cpp'))console.log(d+'/'+f)\")"
      ],
      "include_dirs": ["<!@(node -p \"require('node-addon-api').include\")", "native"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O3", "-fno-math-errno"],
      "xcode_settings": { "GCC_ENABLE_CPP_EXCEPTIONS": "YES", "CLANG_CXX_LANGUAGE_STANDARD": "c++17" },
      "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1 } }
    }
  ]
}
