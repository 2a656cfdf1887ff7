// The addon's entry: version and CPU facts, the thread count, and the kernels (conv.cc, matmul.cc).
#include <omp.h>

#include "common.h"

namespace wus {
namespace {

const char* isaName(dnnl::cpu_isa isa) {
  switch (isa) {
    case dnnl::cpu_isa::sse41: return "sse41";
    case dnnl::cpu_isa::avx: return "avx";
    case dnnl::cpu_isa::avx2: return "avx2";
    case dnnl::cpu_isa::avx2_vnni: return "avx2_vnni";
    case dnnl::cpu_isa::avx2_vnni_2: return "avx2_vnni_2";
    case dnnl::cpu_isa::avx512_core: return "avx512_core";
    case dnnl::cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
    case dnnl::cpu_isa::avx512_core_fp16: return "avx512_core_fp16";
    case dnnl::cpu_isa::avx512_core_amx: return "avx512_core_amx";
    case dnnl::cpu_isa::avx512_core_amx_fp16: return "avx512_core_amx_fp16";
    default: return "other";
  }
}

// info(): { version, isa, threads }
Napi::Value Info(const Napi::CallbackInfo& info) {
  auto v = dnnl::version();
  auto o = Napi::Object::New(info.Env());
  o["version"] = std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
  o["isa"] = isaName(dnnl::get_effective_cpu_isa());
  o["threads"] = omp_get_max_threads();
  return o;
}

// setThreads(n): OpenMP threads of every following kernel (they run on the calling thread plus
// n − 1 OpenMP workers).
Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  int n = info[0].As<Napi::Number>().Int32Value();
  if (n < 1) throw Napi::RangeError::New(info.Env(), "threads must be >= 1");
  omp_set_num_threads(n);
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports["info"] = Napi::Function::New(env, Info, "info");
  exports["setThreads"] = Napi::Function::New(env, SetThreads, "setThreads");
  registerConv(env, exports);
  registerMatMul(env, exports);
  return exports;
}

}  // namespace
}  // namespace wus

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return wus::Init(env, exports); }
NODE_API_MODULE(wus_onednn, InitModule)
