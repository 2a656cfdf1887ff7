#include "common.h"

namespace wus {

dnnl::engine& cpuEngine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& cpuStream() {
  static dnnl::stream stream(cpuEngine());
  return stream;
}

float* floats(const Napi::CallbackInfo& info, size_t index, size_t count, const char* what) {
  if (index >= info.Length() || !info[index].IsTypedArray() || info[index].As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a Float32Array");
  }
  auto a = info[index].As<Napi::Float32Array>();
  if (a.ElementLength() != count) {
    throw Napi::RangeError::New(info.Env(), std::string(what) + " holds " + std::to_string(a.ElementLength()) + " floats, expected " + std::to_string(count));
  }
  return a.Data();
}

std::vector<int32_t> words(const Napi::CallbackInfo& info, size_t index, size_t count, const char* what) {
  if (index >= info.Length() || !info[index].IsTypedArray() || info[index].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be an Int32Array");
  }
  auto a = info[index].As<Napi::Int32Array>();
  if (a.ElementLength() < count) throw Napi::RangeError::New(info.Env(), std::string(what) + " is too short");
  return std::vector<int32_t>(a.Data(), a.Data() + a.ElementLength());
}

std::string keyOf(char kind, const std::vector<int32_t>& w) {
  std::string key(1, kind);
  key.append(reinterpret_cast<const char*>(w.data()), w.size() * sizeof(int32_t));
  return key;
}

}  // namespace wus
