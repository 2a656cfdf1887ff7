// Conv2D and its two gradients on oneDNN, NHWC activations and HWIO filters as tfjs keeps them,
// read and written in place (the tensors' own Float32Arrays). oneDNN picks the filter layout its
// fastest implementation wants; filters are reordered into it (and the filter gradient back out
// of it), a small copy next to the convolution.
#include <algorithm>
#include <cstdlib>
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
  bool cropped;  // oneDNN sees only the rows/columns of x that are read (see geometry())
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
  g.cropped = ih != w[IH] || iw != w[IW];
  g.srcCount = size_t(w[N]) * w[IH] * w[IW] * w[CI];
  g.dstCount = size_t(w[N]) * w[OH] * w[OW] * w[CO];
  g.weiCount = size_t(w[KH]) * w[KW] * w[CI] * w[CO];
  return g;
}

// Activations in oneDNN's blocked layouts (nChw8c) rather than tfjs's NHWC: reordered in and out
// around the convolution. Which pays depends on the shape (see README); read once.
bool blockedActivations() {
  static const bool blocked = [] {
    const char* v = std::getenv("WUS_ONEDNN_LAYOUT");
    return v != nullptr && std::string(v) == "blocked";
  }();
  return blocked;
}

// One tensor argument of a cached primitive: as tfjs holds it (user) and as the primitive wants
// it, with the reorder between them and a buffer in the primitive's layout where they differ.
struct Port {
  int arg = 0;
  memory::desc user;
  size_t count = 0;
  bool input = true;
  bool reordered = false;
  dnnl::reorder reorder;
  memory buf;

  void init(int a, const memory::desc& u, size_t n, bool in, const memory::desc& prim) {
    arg = a;
    user = u;
    count = n;
    input = in;
    reordered = prim != u;
    if (!reordered) return;
    reorder = in ? dnnl::reorder(dnnl::reorder::primitive_desc(cpuEngine(), u, cpuEngine(), prim))
                 : dnnl::reorder(dnnl::reorder::primitive_desc(cpuEngine(), prim, cpuEngine(), u));
    buf = memory(prim, cpuEngine());
  }
};

// One cached primitive: the convolution and its three tensor arguments (two in, one out).
struct Entry {
  dnnl::primitive prim;
  Port ports[3];
  std::string impl;
  bool zeroOutput = false;  // dx of a cropped input: oneDNN leaves the unread rest unwritten
};

std::unordered_map<std::string, std::unique_ptr<Entry>> cache;

Entry& entryFor(char kind, const std::vector<int32_t>& w) {
  std::string key = keyOf(kind, w);
  auto it = cache.find(key);
  if (it != cache.end()) return *it->second;
  auto e = std::make_unique<Entry>();
  Geometry g = geometry(w);
  // Filters always in the layout oneDNN prefers (reordering them is cheap); activations too where asked.
  const memory::desc srcAny = blockedActivations() ? memory::desc(g.src.get_dims(), memory::data_type::f32, tag::any) : g.src;
  const memory::desc dstAny = blockedActivations() ? memory::desc(g.dst.get_dims(), memory::data_type::f32, tag::any) : g.dst;
  dnnl::convolution_forward::primitive_desc fwd(cpuEngine(), dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, srcAny, g.weiAny, dstAny,
                                                g.strides, g.dilates, g.padL, g.padR);
  Port* p = e->ports;
  if (kind == 'f') {  // x, filter -> y
    e->prim = dnnl::convolution_forward(fwd);
    e->impl = fwd.impl_info_str();
    p[0].init(DNNL_ARG_SRC, g.src, g.srcCount, true, fwd.src_desc());
    p[1].init(DNNL_ARG_WEIGHTS, g.weiUser, g.weiCount, true, fwd.weights_desc());
    p[2].init(DNNL_ARG_DST, g.dst, g.dstCount, false, fwd.dst_desc());
  } else if (kind == 'd') {  // dy, filter -> dx
    dnnl::convolution_backward_data::primitive_desc pd(cpuEngine(), dnnl::algorithm::convolution_direct, srcAny, g.weiAny, dstAny, g.strides, g.dilates, g.padL, g.padR, fwd);
    e->prim = dnnl::convolution_backward_data(pd);
    e->impl = pd.impl_info_str();
    p[0].init(DNNL_ARG_DIFF_DST, g.dst, g.dstCount, true, pd.diff_dst_desc());
    p[1].init(DNNL_ARG_WEIGHTS, g.weiUser, g.weiCount, true, pd.weights_desc());
    p[2].init(DNNL_ARG_DIFF_SRC, g.src, g.srcCount, false, pd.diff_src_desc());
    e->zeroOutput = g.cropped;
  } else {  // x, dy -> dW
    dnnl::convolution_backward_weights::primitive_desc pd(cpuEngine(), dnnl::algorithm::convolution_direct, srcAny, g.weiAny, dstAny, g.strides, g.dilates, g.padL, g.padR, fwd);
    e->prim = dnnl::convolution_backward_weights(pd);
    e->impl = pd.impl_info_str();
    p[0].init(DNNL_ARG_SRC, g.src, g.srcCount, true, pd.src_desc());
    p[1].init(DNNL_ARG_DIFF_DST, g.dst, g.dstCount, true, pd.diff_dst_desc());
    p[2].init(DNNL_ARG_DIFF_WEIGHTS, g.weiUser, g.weiCount, false, pd.diff_weights_desc());
  }
  return *cache.emplace(std::move(key), std::move(e)).first->second;
}

// kernel(words, in0, in1, out): the two inputs reordered into the primitive's layouts where they
// differ from tfjs's (else read in place), the output written in place or reordered back.
Napi::Value run(const Napi::CallbackInfo& info, char kind, const char* kernel, const char* names[3]) {
  return guarded(info, kernel, [&] {
    Entry& e = entryFor(kind, words(info, 0, WORDS, "geometry"));
    std::unordered_map<int, memory> args;
    memory outUser;
    for (int i = 0; i < 3; i++) {
      Port& p = e.ports[i];
      float* data = floats(info, 1 + i, p.count, names[i]);
      // Outputs on the wasm heap are not zeroed when allocated.
      if (!p.input && e.zeroOutput) std::fill(data, data + p.count, 0.0f);
      memory user(p.user, cpuEngine(), data);
      if (p.reordered && p.input) p.reorder.execute(cpuStream(), user, p.buf);
      args[p.arg] = p.reordered ? p.buf : user;
      if (!p.input) outUser = user;
    }
    e.prim.execute(cpuStream(), args);
    if (e.ports[2].reordered) e.ports[2].reorder.execute(cpuStream(), e.ports[2].buf, outUser);
    cpuStream().wait();
    return info.Env().Undefined();
  });
}

const char* FORWARD[3] = {"x", "filter", "y"};
const char* INPUT[3] = {"dy", "filter", "dx"};
const char* FILTER[3] = {"x", "dy", "dw"};

// conv2d(words, x, filter, y)
Napi::Value Conv2D(const Napi::CallbackInfo& info) { return run(info, 'f', "Conv2D", FORWARD); }
// conv2dBackpropInput(words, dy, filter, dx)
Napi::Value Conv2DBackpropInput(const Napi::CallbackInfo& info) { return run(info, 'd', "Conv2DBackpropInput", INPUT); }
// conv2dBackpropFilter(words, x, dy, dw)
Napi::Value Conv2DBackpropFilter(const Napi::CallbackInfo& info) { return run(info, 'w', "Conv2DBackpropFilter", FILTER); }

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
