// Conv2D and its two gradients on oneDNN, NHWC activations and HWIO filters as tfjs keeps them,
// read and written in place (the tensors' own Float32Arrays). oneDNN picks the filter layout its
// fastest implementation wants; filters are reordered into it (and the filter gradient back out
// of it), a small copy next to the convolution.
#include <algorithm>
#include <unordered_map>

#include "common.h"

namespace wus {
namespace {

using dnnl::memory;
using tag = memory::format_tag;

// Geometry words, in the order src/conv-geometry.ts writes them.
enum { N, IH, IW, CI, OH, OW, CO, KH, KW, SH, SW, DH, DW, PT, PL, WORDS };

struct Geometry {
  memory::desc src, dst, weiUser, weiAny;
  memory::dims strides, dilates, padL, padR;
  size_t srcCount, dstCount, weiCount;
};

Geometry geometry(const std::vector<int32_t>& w) {
  Geometry g;
  // The trailing padding that makes oneDNN's size formula give exactly tfjs's output size; tfjs's
  // own bottom/right padding can be larger than what is read.
  const auto trailing = [&](int out, int stride, int k, int d, int in, int lead) { return (out - 1) * stride + (k - 1) * d + 1 - in - lead; };
  int padB = trailing(w[OH], w[SH], w[KH], w[DH], w[IH], w[PT]);
  int padR = trailing(w[OW], w[SW], w[KW], w[DW], w[IW], w[PL]);
  // oneDNN needs trailing padding >= 1 - stride. tfjs's numeric padding sizes both output
  // dimensions by the filter's height and the vertical stride, which for non-square filters or
  // strides can leave more input unread than that: oneDNN then sees only the rows and columns that
  // are read (a view with the full tensor's strides; dx of the rest stays 0).
  const int ih = padB < 1 - w[SH] ? w[IH] + padB + w[SH] - 1 : w[IH];
  const int iw = padR < 1 - w[SW] ? w[IW] + padR + w[SW] - 1 : w[IW];
  padB = std::max(padB, 1 - w[SH]);
  padR = std::max(padR, 1 - w[SW]);
  const memory::dims src = {w[N], w[CI], ih, iw};
  const memory::dims dst = {w[N], w[CO], w[OH], w[OW]};
  const memory::dims wei = {w[CO], w[CI], w[KH], w[KW]};
  const memory::dim ci = w[CI], rowStride = memory::dim(w[IW]) * ci, imageStride = rowStride * w[IH];
  g.src = ih == w[IH] && iw == w[IW] ? memory::desc(src, memory::data_type::f32, tag::nhwc)
                                      : memory::desc(src, memory::data_type::f32, memory::dims{imageStride, 1, rowStride, ci});
  g.dst = memory::desc(dst, memory::data_type::f32, tag::nhwc);
  g.weiUser = memory::desc(wei, memory::data_type::f32, tag::hwio);
  g.weiAny = memory::desc(wei, memory::data_type::f32, tag::any);
  g.strides = {w[SH], w[SW]};
  g.dilates = {w[DH] - 1, w[DW] - 1};  // oneDNN counts the gaps: 0 = no dilation
  g.padL = {w[PT], w[PL]};
  g.padR = {padB, padR};
  g.srcCount = size_t(w[N]) * w[IH] * w[IW] * w[CI];
  g.dstCount = size_t(w[N]) * w[OH] * w[OW] * w[CO];
  g.weiCount = size_t(w[KH]) * w[KW] * w[CI] * w[CO];
  return g;
}

dnnl::convolution_forward::primitive_desc forwardPd(const Geometry& g) {
  return dnnl::convolution_forward::primitive_desc(cpuEngine(), dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, g.src, g.weiAny, g.dst,
                                                   g.strides, g.dilates, g.padL, g.padR);
}

// One cached primitive: the convolution, the filter's reorder (HWIO ↔ oneDNN's layout) and a
// buffer in oneDNN's layout, kept between calls.
struct Entry {
  Geometry g;
  dnnl::primitive prim;
  Reorder wei;
  memory weiBuf;
  std::string impl;
};

std::unordered_map<std::string, std::unique_ptr<Entry>> cache;

Entry& entryFor(char kind, const std::vector<int32_t>& w) {
  std::string key = keyOf(kind, w);
  auto it = cache.find(key);
  if (it != cache.end()) return *it->second;
  auto e = std::make_unique<Entry>();
  e->g = geometry(w);
  const Geometry& g = e->g;
  auto fwd = forwardPd(g);
  memory::desc weiDesc;
  if (kind == 'f') {
    e->prim = dnnl::convolution_forward(fwd);
    e->impl = fwd.impl_info_str();
    weiDesc = fwd.weights_desc();
    e->wei = makeReorder(g.weiUser, weiDesc);
  } else if (kind == 'd') {
    dnnl::convolution_backward_data::primitive_desc pd(cpuEngine(), dnnl::algorithm::convolution_direct, g.src, g.weiAny, g.dst, g.strides, g.dilates, g.padL, g.padR, fwd);
    e->prim = dnnl::convolution_backward_data(pd);
    e->impl = pd.impl_info_str();
    weiDesc = pd.weights_desc();
    e->wei = makeReorder(g.weiUser, weiDesc);
  } else {
    dnnl::convolution_backward_weights::primitive_desc pd(cpuEngine(), dnnl::algorithm::convolution_direct, g.src, g.weiAny, g.dst, g.strides, g.dilates, g.padL, g.padR, fwd);
    e->prim = dnnl::convolution_backward_weights(pd);
    e->impl = pd.impl_info_str();
    weiDesc = pd.diff_weights_desc();
    e->wei = makeReorder(weiDesc, g.weiUser);
  }
  if (e->wei.needed) e->weiBuf = memory(weiDesc, cpuEngine());
  return *cache.emplace(std::move(key), std::move(e)).first->second;
}

// The filter as the primitive reads it: in place where oneDNN takes HWIO, else reordered.
memory filterIn(Entry& e, float* w) {
  memory user(e.g.weiUser, cpuEngine(), w);
  if (!e.wei.needed) return user;
  e.wei.prim.execute(cpuStream(), user, e.weiBuf);
  return e.weiBuf;
}

// conv2d(words, x, filter, y)
Napi::Value Conv2D(const Napi::CallbackInfo& info) {
  return guarded(info, "Conv2D", [&] {
    auto w = words(info, 0, WORDS, "geometry");
    Entry& e = entryFor('f', w);
    memory src(e.g.src, cpuEngine(), floats(info, 1, e.g.srcCount, "x"));
    memory wei = filterIn(e, floats(info, 2, e.g.weiCount, "filter"));
    memory dst(e.g.dst, cpuEngine(), floats(info, 3, e.g.dstCount, "y"));
    e.prim.execute(cpuStream(), {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst}});
    cpuStream().wait();
    return info.Env().Undefined();
  });
}

// conv2dBackpropInput(words, dy, filter, dx)
Napi::Value Conv2DBackpropInput(const Napi::CallbackInfo& info) {
  return guarded(info, "Conv2DBackpropInput", [&] {
    auto w = words(info, 0, WORDS, "geometry");
    Entry& e = entryFor('d', w);
    memory diffDst(e.g.dst, cpuEngine(), floats(info, 1, e.g.dstCount, "dy"));
    memory wei = filterIn(e, floats(info, 2, e.g.weiCount, "filter"));
    memory diffSrc(e.g.src, cpuEngine(), floats(info, 3, e.g.srcCount, "dx"));
    e.prim.execute(cpuStream(), {{DNNL_ARG_DIFF_DST, diffDst}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DIFF_SRC, diffSrc}});
    cpuStream().wait();
    return info.Env().Undefined();
  });
}

// conv2dBackpropFilter(words, x, dy, dw)
Napi::Value Conv2DBackpropFilter(const Napi::CallbackInfo& info) {
  return guarded(info, "Conv2DBackpropFilter", [&] {
    auto w = words(info, 0, WORDS, "geometry");
    Entry& e = entryFor('w', w);
    memory src(e.g.src, cpuEngine(), floats(info, 1, e.g.srcCount, "x"));
    memory diffDst(e.g.dst, cpuEngine(), floats(info, 2, e.g.dstCount, "dy"));
    memory user(e.g.weiUser, cpuEngine(), floats(info, 3, e.g.weiCount, "dw"));
    memory diffWei = e.wei.needed ? e.weiBuf : user;
    e.prim.execute(cpuStream(), {{DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, diffDst}, {DNNL_ARG_DIFF_WEIGHTS, diffWei}});
    if (e.wei.needed) e.wei.prim.execute(cpuStream(), e.weiBuf, user);
    cpuStream().wait();
    return info.Env().Undefined();
  });
}

// convImpl(kind: 'forward' | 'input' | 'filter', words): the implementation oneDNN chose
// (e.g. "brg:avx512_core", "jit:avx2"), for tests and the bench.
Napi::Value ConvImpl(const Napi::CallbackInfo& info) {
  return guarded(info, "convImpl", [&] {
    std::string kind = info[0].As<Napi::String>();
    char k = kind == "forward" ? 'f' : kind == "input" ? 'd' : 'w';
    return Napi::String::New(info.Env(), entryFor(k, words(info, 1, WORDS, "geometry")).impl);
  });
}

}  // namespace

void registerConv(Napi::Env env, Napi::Object exports) {
  exports["conv2d"] = Napi::Function::New(env, Conv2D, "conv2d");
  exports["conv2dBackpropInput"] = Napi::Function::New(env, Conv2DBackpropInput, "conv2dBackpropInput");
  exports["conv2dBackpropFilter"] = Napi::Function::New(env, Conv2DBackpropFilter, "conv2dBackpropFilter");
  exports["convImpl"] = Napi::Function::New(env, ConvImpl, "convImpl");
}

}  // namespace wus
