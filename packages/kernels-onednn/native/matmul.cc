// BatchMatMul on oneDNN: transposed operands are described by their strides (no copy), a batch of
// one on either side broadcasts, as tfjs's kernel does.
#include <unordered_map>

#include "common.h"

namespace wus {
namespace {

using dnnl::memory;

// Words, in the order src/batch-mat-mul.ts writes them.
enum { BA, BB, M, K, NN, TA, TB, WORDS };

struct Entry {
  memory::desc a, b, c;
  size_t aCount, bCount, cCount;
  dnnl::matmul prim;
  std::string impl;
};

std::unordered_map<std::string, std::unique_ptr<Entry>> cache;

Entry& entryFor(const std::vector<int32_t>& w) {
  std::string key = keyOf('m', w);
  auto it = cache.find(key);
  if (it != cache.end()) return *it->second;
  auto e = std::make_unique<Entry>();
  const memory::dim ba = w[BA], bb = w[BB], m = w[M], k = w[K], n = w[NN];
  const auto f32 = memory::data_type::f32;
  // a is [ba, m, k] or, transposed, stored [ba, k, m]; b is [bb, k, n] or stored [bb, n, k].
  e->a = memory::desc({ba, m, k}, f32, w[TA] ? memory::dims{m * k, 1, m} : memory::dims{m * k, k, 1});
  e->b = memory::desc({bb, k, n}, f32, w[TB] ? memory::dims{k * n, 1, k} : memory::dims{k * n, n, 1});
  e->c = memory::desc({std::max(ba, bb), m, n}, f32, memory::dims{m * n, n, 1});
  e->aCount = size_t(ba) * m * k;
  e->bCount = size_t(bb) * k * n;
  e->cCount = size_t(std::max(ba, bb)) * m * n;
  dnnl::matmul::primitive_desc pd(cpuEngine(), e->a, e->b, e->c);
  e->prim = dnnl::matmul(pd);
  e->impl = pd.impl_info_str();
  return *cache.emplace(std::move(key), std::move(e)).first->second;
}

// batchMatMul(words, a, b, c)
Napi::Value BatchMatMul(const Napi::CallbackInfo& info) {
  return guarded(info, "BatchMatMul", [&] {
    Entry& e = entryFor(words(info, 0, WORDS, "geometry"));
    memory a(e.a, cpuEngine(), floats(info, 1, e.aCount, "a"));
    memory b(e.b, cpuEngine(), floats(info, 2, e.bCount, "b"));
    memory c(e.c, cpuEngine(), floats(info, 3, e.cCount, "c"));
    e.prim.execute(cpuStream(), {{DNNL_ARG_SRC, a}, {DNNL_ARG_WEIGHTS, b}, {DNNL_ARG_DST, c}});
    cpuStream().wait();
    return info.Env().Undefined();
  });
}

Napi::Value MatMulImpl(const Napi::CallbackInfo& info) {
  return guarded(info, "matMulImpl", [&] { return Napi::String::New(info.Env(), entryFor(words(info, 0, WORDS, "geometry")).impl); });
}

}  // namespace

void registerMatMul(Napi::Env env, Napi::Object exports) {
  exports["batchMatMul"] = Napi::Function::New(env, BatchMatMul, "batchMatMul");
  exports["matMulImpl"] = Napi::Function::New(env, MatMulImpl, "matMulImpl");
}

}  // namespace wus
