// Shared by the kernels: the CPU engine and stream, typed-array access, and the cache of
// primitives by geometry. See ../README.md.
#pragma once

#include <napi.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace wus {

dnnl::engine& cpuEngine();
dnnl::stream& cpuStream();

// The float32 data of a Float32Array argument (zero-copy), which must hold exactly `count` floats.
float* floats(const Napi::CallbackInfo& info, size_t index, size_t count, const char* what);

// The int32 words of an Int32Array argument (a kernel's geometry), at least `count` of them.
std::vector<int32_t> words(const Napi::CallbackInfo& info, size_t index, size_t count, const char* what);

// A cache key from geometry words: primitive creation (oneDNN's JIT code generation, ~0.1–10 ms)
// happens once per distinct geometry, and a training step repeats the same few shapes.
std::string keyOf(char kind, const std::vector<int32_t>& w);

// Runs `body`, turning oneDNN's and the standard library's exceptions into JavaScript errors
// (node-addon-api converts only its own).
template <typename F>
Napi::Value guarded(const Napi::CallbackInfo& info, const char* kernel, F body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const dnnl::error& e) {
    throw Napi::Error::New(info.Env(), std::string("onednn ") + kernel + ": " + e.what() + " (status " + std::to_string(static_cast<int>(e.status)) + ")");
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), std::string("onednn ") + kernel + ": " + e.what());
  }
}

void registerConv(Napi::Env env, Napi::Object exports);
void registerMatMul(Napi::Env env, Napi::Object exports);

}  // namespace wus
