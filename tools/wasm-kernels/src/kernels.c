/*
 * wus training kernels: WebAssembly SIMD (128-bit) convolution forward, input gradient
 * (Conv2DBackpropInput), filter gradient (Conv2DBackpropFilter), matrix product and max-pool
 * gradient, NHWC, float32, plus memory-bound fused kernels (ReLU gradient, row sums, bias add,
 * BatchNorm, SGD and Adam updates). Built by tools/wasm-kernels/build.sh (clang --target=wasm32
 * -msimd128 [-mrelaxed-simd], no libc) into packages/kernels-wasm/src/generated/.
 * Every kernel is written for threads: it takes a
 * parameter block (int32 words, see the P_* indices, filled by the JavaScript side) plus its
 * thread index and the thread count, and does its share; all threads run the same entry point on
 * one shared memory.
 *
 * All three convolutions (and the matrix product) are one GEMM each, C (+)= A·B, computed by one register-blocked
 * micro-kernel on packed panels (A: [kc][MR], B: [kc][NR], contiguous), with the im2col /
 * col2im index arithmetic folded into the packing:
 *   forward        y[m][co]    = sum_k  col(x)[m][k] · W[k][co]       (M = N·OH·OW, K = KH·KW·CI)
 *   input grad     dcol[m][k]  = sum_co dy[m][co]    · W[k][co]       then col2im-add into dx
 *   filter grad    dW[k][co]   = sum_m  col(x)[m][k] · dy[m][co]      (contraction over M)
 * Work is handed out in chunks claimed with an atomic counter (P_COUNTER), so a thread that the
 * OS runs slower (a shared machine) simply takes fewer chunks: blocks of up to MC rows of M
 * (forward), groups of whole images (input grad: col2im writes stay within an image), and for
 * the filter grad one fixed slice per thread, of M (private accumulators added up afterwards by
 * wus_reduce) or of the rows of dW.
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define MR 4
#define NR 8
/* Rows of M per packed A block (forward / input grad) and per chunk (filter grad). */
#define MC 96
#define KC 256
#define FMC 192
#define FKC 384

typedef float f32;
#define EXPORT(name) __attribute__((export_name(#name))) name

/* Parameter block layout (int32 words). Pointers are byte offsets into linear memory. */
enum {
  P_N, P_IH, P_IW, P_CI, P_OH, P_OW, P_CO, P_KH, P_KW, P_SH, P_SW, P_DH, P_DW, P_PT, P_PL,
  P_X,       /* forward, filter grad: input x; input grad: unused */
  P_W,       /* forward, input grad: filter W [KH][KW][CI][CO] */
  P_DY,      /* input grad, filter grad: dy [N][OH][OW][CO] */
  P_OUT,     /* y, dx or dW */
  P_SCRATCH, /* scratch base; thread t uses [SCRATCH + t*SCRATCH_STRIDE, +SCRATCH_STRIDE) */
  P_SCRATCH_STRIDE,
  P_PARTIAL, /* filter grad: partial sums of threads 1..T-1, each K·CO floats */
  P_COUNTER, /* next unclaimed chunk; zero when the call starts */
  P_WORDS
};

void *memset(void *dst, int c, unsigned long n) {
  unsigned char *d = (unsigned char *)dst;
  while (n--) *d++ = (unsigned char)c;
  return dst;
}

void *memcpy(void *dst, const void *src, unsigned long n) {
  unsigned char *d = (unsigned char *)dst;
  const unsigned char *s = (const unsigned char *)src;
  while (n--) *d++ = *s++;
  return dst;
}

/*
 * c + a·b. In the relaxed-SIMD build (build.sh) one fused multiply-add where the CPU has FMA
 * (V8 emits vfmadd231ps), else a multiply and an add: the GEMM micro-kernel's inner step, where
 * the mul+add pair costs front-end slots that bound the loop (~22 vs ~30 GFLOP/s per core).
 */
#ifdef __wasm_relaxed_simd__
#define MADD(c, a, b) wasm_f32x4_relaxed_madd(a, b, c)
#else
#define MADD(c, a, b) wasm_f32x4_add(c, wasm_f32x4_mul(a, b))
#endif

static inline int imin(int a, int b) { return a < b ? a : b; }
static inline int imax(int a, int b) { return a > b ? a : b; }

static void fill_zero(f32 *p, int n) {
  int i = 0;
  v128_t z = wasm_f32x4_splat(0.f);
  for (; i + 4 <= n; i += 4) wasm_v128_store(p + i, z);
  for (; i < n; i++) p[i] = 0.f;
}

/* Claims the next chunk of the call (shared counter in the parameter block). */
static inline int claim(const int32_t *p, int word) {
  return __atomic_fetch_add((int32_t *)&p[word], 1, __ATOMIC_RELAXED);
}

/* One step of the 4×8 register tile c00..c31: += a[0..4) ⊗ (b0, b1). */
#define UK_STEP(a, b0_, b1_)                                                   \
  do {                                                                         \
    v128_t b0 = (b0_), b1 = (b1_);                                             \
    v128_t a0 = wasm_v128_load32_splat(a), a1 = wasm_v128_load32_splat(a + 1); \
    c00 = MADD(c00, a0, b0);                                                   \
    c01 = MADD(c01, a0, b1);                                                   \
    c10 = MADD(c10, a1, b0);                                                   \
    c11 = MADD(c11, a1, b1);                                                   \
    v128_t a2 = wasm_v128_load32_splat(a + 2), a3 = wasm_v128_load32_splat(a + 3); \
    c20 = MADD(c20, a2, b0);                                                   \
    c21 = MADD(c21, a2, b1);                                                   \
    c30 = MADD(c30, a3, b0);                                                   \
    c31 = MADD(c31, a3, b1);                                                   \
  } while (0)

/*
 * The micro-kernel: C[mr][nr] (+)= sum_p A[p][0..MR) ⊗ B[p][0..NR), A and B packed and
 * zero-padded to MR / NR. C has row stride ldc. `accumulate`: add to C instead of storing.
 */
static void ukernel(int kc, const f32 *restrict a, const f32 *restrict b, f32 *restrict c, int ldc,
                    int accumulate, int mr, int nr) {
  v128_t c00 = wasm_f32x4_splat(0.f), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int p = 0; p < kc; p++) {
    UK_STEP(a, wasm_v128_load(b), wasm_v128_load(b + 4));
    a += MR;
    b += NR;
  }
  if (mr == MR && nr == NR) {
    if (accumulate) {
      wasm_v128_store(c, wasm_f32x4_add(wasm_v128_load(c), c00));
      wasm_v128_store(c + 4, wasm_f32x4_add(wasm_v128_load(c + 4), c01));
      c += ldc;
      wasm_v128_store(c, wasm_f32x4_add(wasm_v128_load(c), c10));
      wasm_v128_store(c + 4, wasm_f32x4_add(wasm_v128_load(c + 4), c11));
      c += ldc;
      wasm_v128_store(c, wasm_f32x4_add(wasm_v128_load(c), c20));
      wasm_v128_store(c + 4, wasm_f32x4_add(wasm_v128_load(c + 4), c21));
      c += ldc;
      wasm_v128_store(c, wasm_f32x4_add(wasm_v128_load(c), c30));
      wasm_v128_store(c + 4, wasm_f32x4_add(wasm_v128_load(c + 4), c31));
    } else {
      wasm_v128_store(c, c00);
      wasm_v128_store(c + 4, c01);
      c += ldc;
      wasm_v128_store(c, c10);
      wasm_v128_store(c + 4, c11);
      c += ldc;
      wasm_v128_store(c, c20);
      wasm_v128_store(c + 4, c21);
      c += ldc;
      wasm_v128_store(c, c30);
      wasm_v128_store(c + 4, c31);
    }
    return;
  }
  f32 t[MR * NR];
  wasm_v128_store(t + 0, c00);
  wasm_v128_store(t + 4, c01);
  wasm_v128_store(t + 8, c10);
  wasm_v128_store(t + 12, c11);
  wasm_v128_store(t + 16, c20);
  wasm_v128_store(t + 20, c21);
  wasm_v128_store(t + 24, c30);
  wasm_v128_store(t + 28, c31);
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++) c[i * ldc + j] = accumulate ? c[i * ldc + j] + t[i * NR + j] : t[i * NR + j];
}

typedef struct {
  int n, ih, iw, ci, oh, ow, co, kh, kw, sh, sw, dh, dw, pt, pl;
  int K, M;
} Geo;

static Geo geo(const int32_t *p) {
  Geo g = {p[P_N], p[P_IH], p[P_IW], p[P_CI], p[P_OH], p[P_OW], p[P_CO], p[P_KH], p[P_KW],
           p[P_SH], p[P_SW], p[P_DH], p[P_DW], p[P_PT], p[P_PL], 0, 0};
  g.K = g.kh * g.kw * g.ci;
  g.M = g.n * g.oh * g.ow;
  return g;
}

/* Pack B = W[k0..k0+kc)[0..co) into NR-wide panels: bp[panel][kc][NR] (forward). */
static void pack_w(const Geo *g, const f32 *w, int k0, int kc, f32 *bp) {
  int panels = (g->co + NR - 1) / NR;
  for (int q = 0; q < panels; q++) {
    int c0 = q * NR, nr = imin(NR, g->co - c0);
    f32 *dst = bp + q * kc * NR;
    for (int k = 0; k < kc; k++) {
      const f32 *src = w + (k0 + k) * g->co + c0;
      if (nr == NR) {
        wasm_v128_store(dst, wasm_v128_load(src));
        wasm_v128_store(dst + 4, wasm_v128_load(src + 4));
      } else {
        for (int j = 0; j < NR; j++) dst[j] = j < nr ? src[j] : 0.f;
      }
      dst += NR;
    }
  }
}

/*
 * For few input channels the contiguous runs of im2col are short (ci floats), so the packers
 * gather through a table instead: for each column k of the block, its offset from the window's
 * origin and its tap's row/column displacement (for the bounds test at the image border).
 */
#define FEW_CHANNELS 8
#define TAB (KC > FKC ? KC : FKC)
static void tap_table(const Geo *g, int k0, int kc, int *off, int *ty, int *tx) {
  for (int k = 0; k < kc; k++) {
    int kk = k0 + k, c = kk % g->ci, tap = kk / g->ci;
    int kx = tap % g->kw, ky = tap / g->kw;
    ty[k] = ky * g->dh;
    tx[k] = kx * g->dw;
    off[k] = (ty[k] * g->iw + tx[k]) * g->ci + c;
  }
}

/* Gathers row m of im2col, columns [k0, k0+kc), into dst[dpos[k]] (table from tap_table). */
static void gather_row(const Geo *g, const f32 *x, int m, int kc, const int *off, const int *ty, const int *tx,
                       const int *dpos, f32 *dst) {
  int ox = m % g->ow, t = m / g->ow, oy = t % g->oh, n = t / g->oh;
  int iy0 = oy * g->sh - g->pt, ix0 = ox * g->sw - g->pl;
  const f32 *base = x + (long)n * g->ih * g->iw * g->ci + ((long)iy0 * g->iw + ix0) * g->ci;
  if (iy0 >= 0 && iy0 + (g->kh - 1) * g->dh < g->ih && ix0 >= 0 && ix0 + (g->kw - 1) * g->dw < g->iw) {
    for (int k = 0; k < kc; k++) dst[dpos[k]] = base[off[k]];
  } else {
    for (int k = 0; k < kc; k++) {
      int iy = iy0 + ty[k], ix = ix0 + tx[k];
      dst[dpos[k]] = (iy >= 0 && iy < g->ih && ix >= 0 && ix < g->iw) ? base[off[k]] : 0.f;
    }
  }
}

/*
 * Walks row m of im2col(x) from column k0, k = (ky·KW + kx)·CI + c, in runs of channels that are
 * contiguous in x (one tap each): the packers' shared tap walk. tap_next returns the run's first
 * element, or 0 where the tap falls in the padding (zeros), and its length, at most `left`.
 */
typedef struct {
  const f32 *xn;
  int iy0, ix0, c, kx, ky;
} TapWalk;

static inline TapWalk tap_walk(const Geo *g, const f32 *x, int m, int k0) {
  int ox = m % g->ow, t = m / g->ow, oy = t % g->oh, n = t / g->oh, tap = k0 / g->ci;
  TapWalk w = {x + (long)n * g->ih * g->iw * g->ci, oy * g->sh - g->pt, ox * g->sw - g->pl, k0 % g->ci, tap % g->kw, tap / g->kw};
  return w;
}

static inline const f32 *tap_next(const Geo *g, TapWalk *w, int left, int *len) {
  *len = imin(g->ci - w->c, left);
  int iy = w->iy0 + w->ky * g->dh, ix = w->ix0 + w->kx * g->dw;
  const f32 *s = iy >= 0 && iy < g->ih && ix >= 0 && ix < g->iw ? w->xn + ((long)iy * g->iw + ix) * g->ci + w->c : 0;
  w->c = 0;
  if (++w->kx == g->kw) {
    w->kx = 0;
    w->ky++;
  }
  return s;
}

/*
 * Pack A = im2col(x)[m0..m0+mc)[k0..k0+kc) into MR-row panels ap[panel][kc][MR] (forward).
 * Rows past mc and taps outside the image are zeros.
 */
static void pack_im2col_rows(const Geo *g, const f32 *x, int m0, int mc, int k0, int kc, f32 *ap) {
  int panels = (mc + MR - 1) / MR;
  if (g->ci < FEW_CHANNELS) {
    int off[TAB], ty[TAB], tx[TAB], dpos[TAB];
    tap_table(g, k0, kc, off, ty, tx);
    for (int k = 0; k < kc; k++) dpos[k] = k * MR;
    for (int q = 0; q < panels; q++) {
      f32 *panel = ap + q * kc * MR;
      for (int i = 0; i < MR; i++) {
        int mi = q * MR + i;
        if (mi < mc) {
          gather_row(g, x, m0 + mi, kc, off, ty, tx, dpos, panel + i);
        } else {
          for (int k = 0; k < kc; k++) panel[k * MR + i] = 0.f;
        }
      }
    }
    return;
  }
  for (int q = 0; q < panels; q++) {
    f32 *panel = ap + q * kc * MR;
    for (int i = 0; i < MR; i++) {
      int mi = q * MR + i;
      f32 *dst = panel + i;
      if (mi >= mc) {
        for (int k = 0; k < kc; k++) dst[k * MR] = 0.f;
        continue;
      }
      TapWalk walk = tap_walk(g, x, m0 + mi, k0);
      for (int k = 0, len; k < kc; k += len) {
        const f32 *s = tap_next(g, &walk, kc - k, &len);
        f32 *d = dst + k * MR;
        if (s) {
          for (int j = 0; j < len; j++) d[j * MR] = s[j];
        } else {
          for (int j = 0; j < len; j++) d[j * MR] = 0.f;
        }
      }
    }
  }
}

static int ceil_to(int v, int m) { return (v + m - 1) / m * m; }

/* Packs rows [m0, m0+mc) × columns [k0, k0+kc) of a GEMM's left operand into ap
 * ([panel][kc][MR]); ctx says what the operand is. */
typedef void (*PackRows)(const void *ctx, int m0, int mc, int k0, int kc, f32 *ap);

/*
 * C[M][N] = A · B, B packed whole at bp ([kblock][panel][kc][NR], block k0 at k0·ceil_to(N, NR)):
 * the forward convolution and the matrix product. Threads claim chunks of MC rows of M, or fewer
 * when M is small (late layers: 128 rows on 2 threads would be one chunk of 96 and one of 32), so
 * that every thread gets about two; each chunk runs over every K block while its output tile
 * stays in cache.
 */
static void gemm_rows(const int32_t *p, int nthreads, int M, int N, int K, PackRows pack_a, const void *ctx, f32 *ap, const f32 *bp, f32 *c) {
  int npad = ceil_to(N, NR), npanels = npad / NR;
  int rows = imin(MC, imax(MR, ceil_to((M + 2 * nthreads - 1) / (2 * nthreads), MR)));
  int chunks = (M + rows - 1) / rows;
  for (int chunk; (chunk = claim(p, P_COUNTER)) < chunks;) {
    int m0 = chunk * rows;
    int mc = imin(rows, M - m0);
    int mpanels = (mc + MR - 1) / MR;
    for (int k0 = 0; k0 < K; k0 += KC) {
      int kc = imin(KC, K - k0);
      pack_a(ctx, m0, mc, k0, kc, ap);
      const f32 *bblock = bp + (long)k0 * npad;
      for (int q = 0; q < npanels; q++) {
        int nr = imin(NR, N - q * NR);
        for (int r = 0; r < mpanels; r++) {
          int mr = imin(MR, mc - r * MR);
          ukernel(kc, ap + r * kc * MR, bblock + q * kc * NR, c + (long)(m0 + r * MR) * N + q * NR, N, k0 > 0, mr, nr);
        }
      }
    }
  }
}

typedef struct {
  const Geo *g;
  const f32 *x;
} ConvRows;

static void pack_conv_rows(const void *ctx, int m0, int mc, int k0, int kc, f32 *ap) {
  const ConvRows *r = (const ConvRows *)ctx;
  pack_im2col_rows(r->g, r->x, m0, mc, k0, kc, ap);
}

/*
 * Convolutions of single-channel images with horizontal stride 1 (the first layer of a net on
 * grayscale input: LeNet-5 on MNIST-like data). As im2col GEMMs their K is only KH·KW and packing
 * the im2col panels costs as much as the arithmetic (~5.6 GFLOP/s against ~50 on VGG layers).
 * Here horizontally adjacent outputs read contiguous inputs, so the operand that im2col would
 * pack is loaded straight from a zero-padded copy of the image. Threads take whole images.
 */
static int c1_applies(const Geo *g) { return g->ci == 1 && g->sw == 1 && g->K <= TAB; }

/* The padded image: rows covering every window, rows wide enough for 8-wide loads. */
static void c1_pad_dims(const Geo *g, int *ph, int *pw) {
  *ph = (g->oh - 1) * g->sh + (g->kh - 1) * g->dh + 1;
  *pw = ceil_to(g->ow, NR) + (g->kw - 1) * g->dw;
}

/* xp = image n of x moved by the padding (pt, pl), zeros around it; off[t] = tap t's offset. */
static void c1_pad_image(const Geo *g, const f32 *x, int n, int ph, int pw, f32 *xp, int *off) {
  fill_zero(xp, ph * pw);
  const f32 *xn = x + (long)n * g->ih * g->iw;
  int c0 = imax(0, g->pl), c1 = imin(pw, g->pl + g->iw);
  for (int r = imax(0, g->pt); r < imin(ph, g->pt + g->ih); r++)
    for (int c = c0; c < c1; c++) xp[r * pw + c] = xn[(r - g->pt) * g->iw + c - g->pl];
  for (int t = 0; t < g->K; t++) off[t] = (t / g->kw) * g->dh * pw + (t % g->kw) * g->dw;
}

static int c1_forward_scratch(const Geo *g) {
  int ph, pw;
  c1_pad_dims(g, &ph, &pw);
  return ceil_to(g->co, MR) * g->K + ph * pw + 64;
}

/* y[n][oy][ox0..ox0+8)[co] = Σ_t W[t][co] · xp[row(oy) + off[t] + ox0 ..]: a 4-channel × 8-output tile per step. */
static void c1_forward(const int32_t *p, const Geo *g, const f32 *x, const f32 *w, f32 *y, f32 *scratch) {
  int ph, pw, off[TAB];
  c1_pad_dims(g, &ph, &pw);
  int panels = ceil_to(g->co, MR) / MR, taps = g->K;
  f32 *wt = scratch; /* W^T panels: wt[q][t][MR] */
  f32 *xp = wt + panels * taps * MR;
  for (int q = 0; q < panels; q++)
    for (int t = 0; t < taps; t++)
      for (int j = 0; j < MR; j++) wt[(q * taps + t) * MR + j] = q * MR + j < g->co ? w[t * g->co + q * MR + j] : 0.f;
  const v128_t zero = wasm_f32x4_splat(0.f);
  for (int n; (n = claim(p, P_COUNTER)) < g->n;) {
    c1_pad_image(g, x, n, ph, pw, xp, off);
    for (int oy = 0; oy < g->oh; oy++) {
      f32 *yrow = y + ((long)n * g->oh + oy) * g->ow * g->co;
      for (int ox0 = 0; ox0 < g->ow; ox0 += NR) {
        const f32 *src = xp + oy * g->sh * pw + ox0;
        int np = imin(NR, g->ow - ox0);
        for (int q = 0; q < panels; q++) {
          const f32 *a = wt + q * taps * MR;
          v128_t c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero;
          for (int t = 0; t < taps; t++, a += MR) UK_STEP(a, wasm_v128_load(src + off[t]), wasm_v128_load(src + off[t] + 4));
          f32 tile[MR * NR];
          wasm_v128_store(tile + 0, c00);
          wasm_v128_store(tile + 4, c01);
          wasm_v128_store(tile + 8, c10);
          wasm_v128_store(tile + 12, c11);
          wasm_v128_store(tile + 16, c20);
          wasm_v128_store(tile + 20, c21);
          wasm_v128_store(tile + 24, c30);
          wasm_v128_store(tile + 28, c31);
          int nc = imin(MR, g->co - q * MR);
          for (int px = 0; px < np; px++)
            for (int j = 0; j < nc; j++) yrow[(ox0 + px) * g->co + q * MR + j] = tile[j * NR + px];
        }
      }
    }
  }
}

static int c1_filter_scratch(const Geo *g) {
  int ph, pw;
  c1_pad_dims(g, &ph, &pw);
  return ph * pw + g->co * g->oh * ceil_to(g->ow, 4) + 64;
}

static inline f32 hsum(v128_t v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3);
}

/*
 * acc[t][co] += Σ over images [n0, n1), oy, ox of xp[row(oy) + off[t] + ox] · dy[n][oy][ox][co]:
 * dy is transposed per image to dyt[co][oy][ox] (rows padded to 4 with zeros), then blocks of
 * 4 taps × 2 channels accumulate over 4 outputs at a time.
 */
static void c1_filter(const Geo *g, const f32 *x, const f32 *dy, int n0, int n1, f32 *acc, f32 *scratch) {
  int ph, pw, off[TAB];
  c1_pad_dims(g, &ph, &pw);
  int ow4 = ceil_to(g->ow, 4), taps = g->K;
  f32 *xp = scratch;
  f32 *dyt = xp + ph * pw;
  const v128_t zero = wasm_f32x4_splat(0.f);
  for (int n = n0; n < n1; n++) {
    c1_pad_image(g, x, n, ph, pw, xp, off);
    const f32 *dn = dy + (long)n * g->oh * g->ow * g->co;
    for (int c = 0; c < g->co; c++)
      for (int oy = 0; oy < g->oh; oy++) {
        f32 *d = dyt + (c * g->oh + oy) * ow4;
        for (int ox = 0; ox < ow4; ox++) d[ox] = ox < g->ow ? dn[(oy * g->ow + ox) * g->co + c] : 0.f;
      }
    for (int t0 = 0; t0 < taps; t0 += 4) {
      int o[4];
      for (int i = 0; i < 4; i++) o[i] = off[imin(t0 + i, taps - 1)]; /* past the last tap: computed, not kept */
      for (int c0 = 0; c0 < g->co; c0 += 2) {
        int c1 = imin(c0 + 1, g->co - 1);
        v128_t s00 = zero, s01 = zero, s10 = zero, s11 = zero, s20 = zero, s21 = zero, s30 = zero, s31 = zero;
        for (int oy = 0; oy < g->oh; oy++) {
          const f32 *row = xp + oy * g->sh * pw;
          const f32 *d0 = dyt + (c0 * g->oh + oy) * ow4, *d1 = dyt + (c1 * g->oh + oy) * ow4;
          for (int ox = 0; ox < ow4; ox += 4) {
            v128_t e0 = wasm_v128_load(d0 + ox), e1 = wasm_v128_load(d1 + ox);
            v128_t x0 = wasm_v128_load(row + o[0] + ox), x1 = wasm_v128_load(row + o[1] + ox);
            s00 = MADD(s00, x0, e0);
            s01 = MADD(s01, x0, e1);
            s10 = MADD(s10, x1, e0);
            s11 = MADD(s11, x1, e1);
            v128_t x2 = wasm_v128_load(row + o[2] + ox), x3 = wasm_v128_load(row + o[3] + ox);
            s20 = MADD(s20, x2, e0);
            s21 = MADD(s21, x2, e1);
            s30 = MADD(s30, x3, e0);
            s31 = MADD(s31, x3, e1);
          }
        }
        v128_t sums[4][2] = {{s00, s01}, {s10, s11}, {s20, s21}, {s30, s31}};
        for (int i = 0; i < 4 && t0 + i < taps; i++)
          for (int j = 0; j < 2 && c0 + j < g->co; j++) acc[(t0 + i) * g->co + c0 + j] += hsum(sums[i][j]);
      }
    }
  }
}

/* Scratch floats one thread needs, per kernel. */
int EXPORT(wus_conv2d_scratch)(const int32_t *p) {
  Geo g = geo(p);
  if (c1_applies(&g)) return c1_forward_scratch(&g);
  return ceil_to(MC, MR) * imin(KC, g.K) + g.K * ceil_to(g.co, NR) + 64;
}

/* y = conv2d(x, W) = im2col(x) · W: W is packed once (all K blocks), then gemm_rows. */
void EXPORT(wus_conv2d)(const int32_t *p, int tid, int nthreads) {
  Geo g = geo(p);
  const f32 *x = (const f32 *)p[P_X];
  const f32 *w = (const f32 *)p[P_W];
  f32 *y = (f32 *)p[P_OUT];
  f32 *scratch = (f32 *)(p[P_SCRATCH] + tid * p[P_SCRATCH_STRIDE]);
  if (c1_applies(&g)) {
    c1_forward(p, &g, x, w, y, scratch);
    return;
  }
  int copad = ceil_to(g.co, NR);
  f32 *ap = scratch;
  f32 *bp = ap + ceil_to(MC, MR) * imin(KC, g.K); /* [kblock][panel][kc][NR]; block k0 at k0·copad */
  for (int k0 = 0; k0 < g.K; k0 += KC) pack_w(&g, w, k0, imin(KC, g.K - k0), bp + (long)k0 * copad);
  gemm_rows(p, nthreads, g.M, g.co, g.K, pack_conv_rows, &(ConvRows){&g, x}, ap, bp, y);
}

/* Pack B = W^T: bp[panel][cc][NR] with bp[q][c][j] = W[k0 + q*NR + j][c0 + c] (input grad). */
static void pack_wt(const Geo *g, const f32 *w, int c0, int cc, f32 *bp) {
  int panels = (g->K + NR - 1) / NR;
  for (int q = 0; q < panels; q++) {
    f32 *dst = bp + q * cc * NR;
    for (int j = 0; j < NR; j++) {
      int k = q * NR + j;
      if (k < g->K) {
        const f32 *src = w + (long)k * g->co + c0;
        for (int c = 0; c < cc; c++) dst[c * NR + j] = src[c];
      } else {
        for (int c = 0; c < cc; c++) dst[c * NR + j] = 0.f;
      }
    }
  }
}

/* Pack A = rows [m0, m0+mc) of a row-major [*, ld] matrix, columns [c0, c0+cc): ap[panel][cc][MR]. */
static void pack_rows(const f32 *src, int ld, int m0, int mc, int c0, int cc, f32 *ap) {
  int panels = (mc + MR - 1) / MR;
  for (int q = 0; q < panels; q++) {
    f32 *panel = ap + q * cc * MR;
    int rows = imin(MR, mc - q * MR);
    if (rows == MR) {
      const f32 *s0 = src + (long)(m0 + q * MR) * ld + c0;
      const f32 *s1 = s0 + ld, *s2 = s1 + ld, *s3 = s2 + ld;
      int c = 0;
      for (; c + 4 <= cc; c += 4) {
        /* 4×4 transpose. */
        v128_t r0 = wasm_v128_load(s0 + c), r1 = wasm_v128_load(s1 + c), r2 = wasm_v128_load(s2 + c), r3 = wasm_v128_load(s3 + c);
        v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
        v128_t t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
        wasm_v128_store(panel + (c + 0) * MR, wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5));
        wasm_v128_store(panel + (c + 1) * MR, wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7));
        wasm_v128_store(panel + (c + 2) * MR, wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5));
        wasm_v128_store(panel + (c + 3) * MR, wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7));
      }
      for (; c < cc; c++) {
        panel[c * MR + 0] = s0[c];
        panel[c * MR + 1] = s1[c];
        panel[c * MR + 2] = s2[c];
        panel[c * MR + 3] = s3[c];
      }
    } else {
      for (int i = 0; i < MR; i++) {
        if (i < rows) {
          const f32 *s = src + (long)(m0 + q * MR + i) * ld + c0;
          for (int c = 0; c < cc; c++) panel[c * MR + i] = s[c];
        } else {
          for (int c = 0; c < cc; c++) panel[c * MR + i] = 0.f;
        }
      }
    }
  }
}

/* Add dcol rows [m0, m0+mc) (row stride K) into dx: the adjoint of im2col. */
static void col2im_add(const Geo *g, const f32 *dcol, int m0, int mc, f32 *dx) {
  for (int mi = 0; mi < mc; mi++) {
    int m = m0 + mi;
    int ox = m % g->ow, t = m / g->ow, oy = t % g->oh, n = t / g->oh;
    int iy0 = oy * g->sh - g->pt, ix0 = ox * g->sw - g->pl;
    f32 *dxn = dx + (long)n * g->ih * g->iw * g->ci;
    const f32 *row = dcol + (long)mi * g->K;
    for (int ky = 0; ky < g->kh; ky++) {
      int iy = iy0 + ky * g->dh;
      if (iy < 0 || iy >= g->ih) continue;
      for (int kx = 0; kx < g->kw; kx++) {
        int ix = ix0 + kx * g->dw;
        if (ix < 0 || ix >= g->iw) continue;
        f32 *d = dxn + ((long)iy * g->iw + ix) * g->ci;
        const f32 *s = row + (ky * g->kw + kx) * g->ci;
        int c = 0;
        for (; c + 4 <= g->ci; c += 4) wasm_v128_store(d + c, wasm_f32x4_add(wasm_v128_load(d + c), wasm_v128_load(s + c)));
        for (; c < g->ci; c++) d[c] += s[c];
      }
    }
  }
}

int EXPORT(wus_conv2d_backprop_input_scratch)(const int32_t *p) {
  Geo g = geo(p);
  int cc = imin(KC, g.co);
  return ceil_to(MC, MR) * cc + ceil_to(g.K, NR) * g.co + MC * ceil_to(g.K, NR) + 64;
}

/*
 * dx = Conv2DBackpropInput(dy, W): dcol = dy · W^T in blocks of MC rows, each added into dx
 * (col2im). Threads take groups of whole images, so no two threads add into the same dx element.
 */
void EXPORT(wus_conv2d_backprop_input)(const int32_t *p, int tid, int nthreads) {
  Geo g = geo(p);
  const f32 *w = (const f32 *)p[P_W];
  const f32 *dy = (const f32 *)p[P_DY];
  f32 *dx = (f32 *)p[P_OUT];
  f32 *scratch = (f32 *)(p[P_SCRATCH] + tid * p[P_SCRATCH_STRIDE]);
  long img = (long)g.ih * g.iw * g.ci;
  int ccmax = imin(KC, g.co);
  int kpad = ceil_to(g.K, NR);
  f32 *ap = scratch;
  f32 *bp = ap + ceil_to(MC, MR) * ccmax; /* whole W^T, all Co blocks: [cblock][kpanel][cc][NR] */
  f32 *dcol = bp + kpad * g.co;           /* MC × kpad */
  for (int c0 = 0; c0 < g.co; c0 += KC) pack_wt(&g, w, c0, imin(KC, g.co - c0), bp + (long)c0 * kpad);
  int npanels = kpad / NR;
  Geo gk = g;
  gk.K = kpad; /* dcol has row stride kpad; col2im_add reads K columns per row */
  /* Threads claim groups of whole images, up to MC rows of M where the images are small (late
   * layers: 2×2 outputs), so each packed panel of W^T serves many rows; at least two groups per
   * thread. */
  int per = imax(1, imin(MC / (g.oh * g.ow), (g.n + 2 * nthreads - 1) / (2 * nthreads)));
  int groups = (g.n + per - 1) / per;
  for (int grp; (grp = claim(p, P_COUNTER)) < groups;) {
    int n0 = grp * per, n1 = imin(g.n, n0 + per);
    fill_zero(dx + n0 * img, (int)(img * (n1 - n0)));
    int mb = n0 * g.oh * g.ow, me = n1 * g.oh * g.ow;
    for (int m0 = mb; m0 < me; m0 += MC) {
      int mc = imin(MC, me - m0);
      int mpanels = (mc + MR - 1) / MR;
      for (int c0 = 0; c0 < g.co; c0 += KC) {
        int cc = imin(KC, g.co - c0);
        pack_rows(dy, g.co, m0, mc, c0, cc, ap);
        const f32 *bblock = bp + (long)c0 * kpad;
        for (int q = 0; q < npanels; q++) {
          const f32 *b = bblock + q * cc * NR;
          for (int r = 0; r < mpanels; r++) {
            int mr = imin(MR, mc - r * MR);
            ukernel(cc, ap + r * cc * MR, b, dcol + (long)r * MR * kpad + q * NR, kpad, c0 > 0, mr, NR);
          }
        }
      }
      col2im_add(&gk, dcol, m0, mc, dx);
    }
  }
}

/*
 * C = op(A) · op(B) for one pair of matrices (tfjs's BatchMatMul with a batch of 1: dense layers
 * and their gradients), op(A) M × K stored [M][K] or, transposed, [K][M]; op(B) K × N stored
 * [K][N] or [N][K]. It reuses the convolution's parameter block: P_N = M, P_CI = K, P_CO = N,
 * P_KH / P_KW = transpose A / B, P_X = A, P_W = B, P_OUT = C. Threads split the rows M as the
 * forward convolution does; each packs all of op(B) once, with the convolutions' packers.
 */
typedef struct {
  int m, k, n, ta, tb;
} Mm;

static Mm mm_geo(const int32_t *p) {
  Mm d = {p[P_N], p[P_CI], p[P_CO], p[P_KH], p[P_KW]};
  return d;
}

/* Pack A = rows [m0, m0+mc) of op(A) with A stored transposed ([K][ld = M]): ap[panel][kc][MR]. */
static void pack_rows_t(const f32 *src, int ld, int m0, int mc, int k0, int kc, f32 *ap) {
  int panels = (mc + MR - 1) / MR;
  for (int q = 0; q < panels; q++) {
    f32 *panel = ap + q * kc * MR;
    int rows = imin(MR, mc - q * MR);
    const f32 *s = src + (long)k0 * ld + m0 + q * MR;
    for (int k = 0; k < kc; k++, s += ld) {
      if (rows == MR) {
        wasm_v128_store(panel + k * MR, wasm_v128_load(s));
      } else {
        for (int i = 0; i < MR; i++) panel[k * MR + i] = i < rows ? s[i] : 0.f;
      }
    }
  }
}

typedef struct {
  const f32 *a;
  int m, k, transposed;
} MmRows;

static void pack_mm_rows(const void *ctx, int m0, int mc, int k0, int kc, f32 *ap) {
  const MmRows *r = (const MmRows *)ctx;
  if (r->transposed) pack_rows_t(r->a, r->m, m0, mc, k0, kc, ap);
  else pack_rows(r->a, r->k, m0, mc, k0, kc, ap);
}

int EXPORT(wus_matmul_scratch)(const int32_t *p) {
  Mm d = mm_geo(p);
  return ceil_to(MC, MR) * imin(KC, d.k) + d.k * ceil_to(d.n, NR) + 64;
}

void EXPORT(wus_matmul)(const int32_t *p, int tid, int nthreads) {
  Mm d = mm_geo(p);
  const f32 *a = (const f32 *)p[P_X];
  const f32 *b = (const f32 *)p[P_W];
  f32 *c = (f32 *)p[P_OUT];
  f32 *scratch = (f32 *)(p[P_SCRATCH] + tid * p[P_SCRATCH_STRIDE]);
  int npad = ceil_to(d.n, NR);
  f32 *ap = scratch;
  f32 *bp = ap + ceil_to(MC, MR) * imin(KC, d.k); /* [kblock][panel][kc][NR]; block k0 at k0·npad */
  Geo gb = {0};
  gb.co = d.tb ? d.k : d.n; /* pack_w reads [K][co = N]; pack_wt reads [K = N][co = K] */
  gb.K = d.n;
  for (int k0 = 0; k0 < d.k; k0 += KC) {
    int kc = imin(KC, d.k - k0);
    if (d.tb) pack_wt(&gb, b, k0, kc, bp + (long)k0 * npad);
    else pack_w(&gb, b, k0, kc, bp + (long)k0 * npad);
  }
  gemm_rows(p, nthreads, d.m, d.n, d.k, pack_mm_rows, &(MmRows){a, d.m, d.k, d.ta}, ap, bp, c);
}

/*
 * Pack A^T for the filter gradient: ap[kpanel][mc][MR] with ap[q][i][j] = col(x)[m0+i][k0+q*MR+j],
 * for rows [m0, m0+mc) and columns [k0, k0+kc). Columns past K are zeros.
 */
static void pack_im2col_cols(const Geo *g, const f32 *x, int m0, int mc, int k0, int kc, f32 *ap) {
  int kpanels = (kc + MR - 1) / MR;
  if (g->ci < FEW_CHANNELS) {
    int off[TAB], ty[TAB], tx[TAB], dpos[TAB];
    tap_table(g, k0, kc, off, ty, tx);
    for (int k = 0; k < kc; k++) dpos[k] = (k / MR) * mc * MR + (k % MR);
    for (int i = 0; i < mc; i++) {
      gather_row(g, x, m0 + i, kc, off, ty, tx, dpos, ap + i * MR);
      for (int kk = kc; kk < kpanels * MR; kk++) ap[(long)(kk / MR) * mc * MR + i * MR + (kk % MR)] = 0.f;
    }
    return;
  }
  for (int i = 0; i < mc; i++) {
    TapWalk walk = tap_walk(g, x, m0 + i, k0);
    for (int k = 0, len; k < kc; k += len) {
      const f32 *s = tap_next(g, &walk, kc - k, &len);
      int inside = s != 0;
      int j = 0;
      /* Whole aligned groups of MR columns: one vector copy each. */
      while (j < len) {
        int kk = k + j;
        f32 *d = ap + (long)(kk / MR) * mc * MR + i * MR + (kk % MR);
        if ((kk % MR) == 0 && j + MR <= len) {
          wasm_v128_store(d, inside ? wasm_v128_load(s + j) : wasm_f32x4_splat(0.f));
          j += MR;
        } else {
          *d = inside ? s[j] : 0.f;
          j++;
        }
      }
    }
    for (int kk = kc; kk < kpanels * MR; kk++) ap[(long)(kk / MR) * mc * MR + i * MR + (kk % MR)] = 0.f;
  }
}

/* Pack B = dy rows [m0, m0+mc) into NR-wide column panels: bp[panel][mc][NR]. */
static void pack_dy_cols(const Geo *g, const f32 *dy, int m0, int mc, f32 *bp) {
  int panels = (g->co + NR - 1) / NR;
  for (int i = 0; i < mc; i++) {
    const f32 *src = dy + (long)(m0 + i) * g->co;
    for (int q = 0; q < panels; q++) {
      f32 *d = bp + (long)q * mc * NR + i * NR;
      int c0 = q * NR, nr = imin(NR, g->co - c0);
      if (nr == NR) {
        wasm_v128_store(d, wasm_v128_load(src + c0));
        wasm_v128_store(d + 4, wasm_v128_load(src + c0 + 4));
      } else {
        for (int j = 0; j < NR; j++) d[j] = j < nr ? src[c0 + j] : 0.f;
      }
    }
  }
}

int EXPORT(wus_conv2d_backprop_filter_scratch)(const int32_t *p) {
  Geo g = geo(p);
  return imax(c1_applies(&g) ? c1_filter_scratch(&g) : 0, FMC * ceil_to(imin(FKC, g.K), MR) + FMC * ceil_to(g.co, NR) + 64);
}

/*
 * dW = Conv2DBackpropFilter(x, dy), split into `nthreads` fixed slices one of two ways:
 *   - over M (P_PARTIAL set; many output positions, a small dW): slice 0 accumulates into dW,
 *     slice s > 0 into partial[s-1], and wus_reduce adds the partials in slice order;
 *   - over the rows of dW (P_PARTIAL zero; few output positions, a large dW, as in the late
 *     layers of an image net): slice s owns rows [K·s/T, K·(s+1)/T) of dW and sums all of M
 *     itself: no partials to zero and add up, and both threads busy even when M is one chunk.
 * Threads claim whole slices, so which thread runs a slice never changes what is summed in which
 * order: the result is bit-identical from call to call (trials of a study must not drift apart
 * on thread timing). A thread that wakes late leaves its slice to the others.
 */
void EXPORT(wus_conv2d_backprop_filter)(const int32_t *p, int tid, int nthreads) {
  Geo g = geo(p);
  const f32 *x = (const f32 *)p[P_X];
  const f32 *dy = (const f32 *)p[P_DY];
  f32 *scratch = (f32 *)(p[P_SCRATCH] + tid * p[P_SCRATCH_STRIDE]);
  f32 *bp = scratch;
  f32 *ap = bp + FMC * ceil_to(g.co, NR);
  int npanels = (g.co + NR - 1) / NR;
  int chunks = (g.M + FMC - 1) / FMC;
  int split_rows = p[P_PARTIAL] == 0 && nthreads > 1;
  int kpanels_all = (g.K + MR - 1) / MR;
  for (int s; (s = claim(p, P_COUNTER)) < nthreads;) {
    f32 *acc = (f32 *)p[P_OUT];
    int cb = 0, ce = chunks, kb = 0, ke = g.K;
    if (split_rows) {
      kb = imin(g.K, (int)((long)kpanels_all * s / nthreads) * MR);
      ke = imin(g.K, (int)((long)kpanels_all * (s + 1) / nthreads) * MR);
      fill_zero(acc + (long)kb * g.co, (ke - kb) * g.co);
    } else {
      if (s > 0) acc = (f32 *)p[P_PARTIAL] + (long)(s - 1) * g.K * g.co;
      fill_zero(acc, g.K * g.co);
      if (c1_applies(&g)) { /* single-channel images: slices of whole images, no im2col */
        c1_filter(&g, x, dy, (int)((long)g.n * s / nthreads), (int)((long)g.n * (s + 1) / nthreads), acc, scratch);
        continue;
      }
      cb = (int)((long)chunks * s / nthreads);
      ce = (int)((long)chunks * (s + 1) / nthreads);
    }
    for (int chunk = cb; chunk < ce && kb < ke; chunk++) {
      int m0 = chunk * FMC;
      int mc = imin(FMC, g.M - m0);
      pack_dy_cols(&g, dy, m0, mc, bp);
      for (int k0 = kb; k0 < ke; k0 += FKC) {
        int kc = imin(FKC, ke - k0);
        pack_im2col_cols(&g, x, m0, mc, k0, kc, ap);
        int kpanels = (kc + MR - 1) / MR;
        for (int r = 0; r < kpanels; r++) {
          int mr = imin(MR, kc - r * MR);
          const f32 *a = ap + (long)r * mc * MR;
          for (int q = 0; q < npanels; q++) {
            int nr = imin(NR, g.co - q * NR);
            ukernel(mc, a, bp + (long)q * mc * NR, acc + (long)(k0 + r * MR) * g.co + q * NR, g.co, 1, mr, nr);
          }
        }
      }
    }
  }
}

/*
 * out[i] += partial[t-1][i] for every t > 0 in `mask`, in increasing t (bit t: slice t of the
 * filter-gradient call filled partial[t-1]). Parameter words: out, partial, len, mask,
 * counter; chunks of 4096 floats are claimed like the kernels' work.
 */
#define REDUCE_CHUNK 4096
void EXPORT(wus_reduce)(const int32_t *p, int tid, int nthreads) {
  (void)tid;
  (void)nthreads;
  f32 *out = (f32 *)p[0];
  const f32 *partial = (const f32 *)p[1];
  int len = p[2], mask = p[3];
  int chunks = (len + REDUCE_CHUNK - 1) / REDUCE_CHUNK;
  for (int chunk; (chunk = claim(p, 4)) < chunks;) {
    int b = chunk * REDUCE_CHUNK, e = imin(len, b + REDUCE_CHUNK);
    for (int t = 1; t < 31; t++) {
      if (!(mask & (1 << t))) continue;
      const f32 *s = partial + (long)(t - 1) * len;
      int i = b;
      for (; i + 4 <= e; i += 4) wasm_v128_store(out + i, wasm_f32x4_add(wasm_v128_load(out + i), wasm_v128_load(s + i)));
      for (; i < e; i++) out[i] += s[i];
    }
  }
}

/*
 * MaxPoolGrad: dx[argmax of each window] += dy, the first maximum (strict >) winning, as in
 * tfjs's cpu backend. Parameter words: the Geo words (CI = channels, CO unused, KH/KW window,
 * SH/SW strides, DH/DW dilations, PT/PL padding), P_X = x, P_DY = dy, P_OUT = dx. Threads claim
 * whole images.
 */
void EXPORT(wus_max_pool_grad)(const int32_t *p, int tid, int nthreads) {
  (void)tid;
  (void)nthreads;
  Geo g = geo(p);
  const f32 *x = (const f32 *)p[P_X];
  const f32 *dy = (const f32 *)p[P_DY];
  f32 *dx = (f32 *)p[P_OUT];
  long img = (long)g.ih * g.iw * g.ci;
  const v128_t ninf = wasm_f32x4_splat(-__builtin_inff());
  for (int n; (n = claim(p, P_COUNTER)) < g.n;) {
    fill_zero(dx + n * img, (int)img);
    const f32 *xn = x + n * img;
    f32 *dxn = dx + n * img;
    for (int oy = 0; oy < g.oh; oy++) {
      int iy0 = oy * g.sh - g.pt;
      for (int ox = 0; ox < g.ow; ox++) {
        int ix0 = ox * g.sw - g.pl;
        const f32 *dyp = dy + (((long)n * g.oh + oy) * g.ow + ox) * g.ci;
        /* Four channels at a time; where the count is not a multiple of 4 (but at least 4), the
         * last group overlaps the one before and only its new lanes are added. */
        int c = 0;
        for (int done = 0; done < g.ci && g.ci >= 4; done = c) {
          c = imin(done + 4, g.ci) - 4;
          v128_t best = ninf;
          v128_t pos = wasm_i32x4_splat(-1);
          for (int ky = 0; ky < g.kh; ky++) {
            int iy = iy0 + ky * g.dh;
            if (iy < 0 || iy >= g.ih) continue;
            for (int kx = 0; kx < g.kw; kx++) {
              int ix = ix0 + kx * g.dw;
              if (ix < 0 || ix >= g.iw) continue;
              int off = (iy * g.iw + ix) * g.ci + c;
              v128_t v = wasm_v128_load(xn + off);
              v128_t gt = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, gt);
              pos = wasm_v128_bitselect(wasm_i32x4_splat(off), pos, gt);
            }
          }
          int32_t q[4];
          wasm_v128_store(q, pos);
          for (int l = done - c; l < 4; l++)
            if (q[l] >= 0) dxn[q[l] + l] += dyp[c + l];
          c += 4;
        }
        for (; c < g.ci; c++) {
          f32 best = -__builtin_inff();
          int pos = -1;
          for (int ky = 0; ky < g.kh; ky++) {
            int iy = iy0 + ky * g.dh;
            if (iy < 0 || iy >= g.ih) continue;
            for (int kx = 0; kx < g.kw; kx++) {
              int ix = ix0 + kx * g.dw;
              if (ix < 0 || ix >= g.iw) continue;
              int off = (iy * g.iw + ix) * g.ci + c;
              if (xn[off] > best) {
                best = xn[off];
                pos = off;
              }
            }
          }
          if (pos >= 0) dxn[pos] += dyp[c];
        }
      }
    }
  }
}

/*
 * Memory-bound kernels. Besides running in the threaded module (cpu backend, copies), these are
 * built into a second, single-threaded module that imports tfjs-backend-wasm's own memory, so
 * they work on the tensors in place (build.sh: wus-kernels-heap.wasm).
 */

/* dx = dy where x > 0, else 0 (Relu's gradient), without branches. */
void EXPORT(wus_relu_grad)(f32 *restrict out, const f32 *restrict dy, const f32 *restrict x, int n) {
  const v128_t zero = wasm_f32x4_splat(0.f);
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    v128_t x0 = wasm_v128_load(x + i), x1 = wasm_v128_load(x + i + 4);
    wasm_v128_store(out + i, wasm_v128_and(wasm_v128_load(dy + i), wasm_f32x4_gt(x0, zero)));
    wasm_v128_store(out + i + 4, wasm_v128_and(wasm_v128_load(dy + i + 4), wasm_f32x4_gt(x1, zero)));
  }
  for (; i < n; i++) out[i] = x[i] > 0.f ? dy[i] : 0.f;
}

/* out[0..n) += src[0..n) */
static void add_into(f32 *restrict out, const f32 *restrict src, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, wasm_f32x4_add(wasm_v128_load(out + i), wasm_v128_load(src + i)));
  for (; i < n; i++) out[i] += src[i];
}

/* out[r][c] = x[r][c] + b[c]: a bias broadcast over the last axis (tfjs's Add takes a slow
 * generic broadcasting path for it: ~7 ns per element with 6 channels). */
void EXPORT(wus_add_bias)(f32 *restrict out, const f32 *restrict x, const f32 *restrict b, int rows, int C) {
  for (int r = 0; r < rows; r++) {
    const f32 *xr = x + (long)r * C;
    f32 *o = out + (long)r * C;
    int c = 0;
    for (; c + 4 <= C; c += 4) wasm_v128_store(o + c, wasm_f32x4_add(wasm_v128_load(xr + c), wasm_v128_load(b + c)));
    for (; c < C; c++) o[c] = xr[c] + b[c];
  }
}

/*
 * Column sums of a rows × cols matrix are accumulated in blocks of SUM_BLOCK rows into a block
 * sum that is then added to the total, which keeps float32 rounding growth to ~sqrt(256) +
 * sqrt(rows / 256) instead of ~sqrt(rows). Accumulators live on the stack: at most
 * SUM_MAX_COLS columns (wus_sum_rows adds into `out` directly beyond that).
 */
#define SUM_BLOCK 256
#define SUM_MAX_COLS 4096

/* out[c] = scale · sum over r of x[r][c] (a reduction over leading axes). */
void EXPORT(wus_sum_rows)(f32 *restrict out, const f32 *restrict x, int rows, int cols, f32 scale) {
  f32 block[SUM_MAX_COLS];
  int bw = cols <= SUM_MAX_COLS ? cols : 0;
  fill_zero(out, cols);
  for (int r0 = 0; r0 < rows; r0 += SUM_BLOCK) {
    int r1 = imin(rows, r0 + SUM_BLOCK);
    f32 *acc = bw ? block : out;
    if (bw) fill_zero(block, cols);
    for (int r = r0; r < r1; r++) {
      const f32 *row = x + (long)r * cols;
      int c = 0;
      for (; c + 8 <= cols; c += 8) {
        wasm_v128_store(acc + c, wasm_f32x4_add(wasm_v128_load(acc + c), wasm_v128_load(row + c)));
        wasm_v128_store(acc + c + 4, wasm_f32x4_add(wasm_v128_load(acc + c + 4), wasm_v128_load(row + c + 4)));
      }
      for (; c < cols; c++) acc[c] += row[c];
    }
    if (bw) add_into(out, block, cols);
  }
  if (scale != 1.f) {
    v128_t s = wasm_f32x4_splat(scale);
    int c = 0;
    for (; c + 4 <= cols; c += 4) wasm_v128_store(out + c, wasm_f32x4_mul(wasm_v128_load(out + c), s));
    for (; c < cols; c++) out[c] *= scale;
  }
}

/*
 * BatchNorm in training mode, fused: x is rows × C (NHWC flattened, rows = N·H·W), statistics
 * per channel over the rows. tfjs composes it from ~8 kernels forward and ~15 backward, each a
 * pass over the activations with its own output tensor; these take 3 passes forward and 2
 * backward. At most BN_MAX_C channels (per-channel arrays on the 64 KiB stack); the caller
 * composes the op from tfjs kernels beyond that.
 */
#define BN_MAX_C 2048

/* The per-channel scale of the normalisation, 1/sqrt(var + eps), as tfjs's Rsqrt computes it. */
static inline f32 inv_std(f32 var, f32 eps) { return 1.f / __builtin_sqrtf(var + eps); }

/*
 * Forward: mean, then the biased variance as the mean of squared deviations (two passes: no
 * cancellation as in E[x²] − E[x]²), then y = x·a + b with a = γ·inv_std, b = β − μ·a.
 */
void EXPORT(wus_bn_forward)(f32 *restrict y, f32 *restrict mean, f32 *restrict var, const f32 *restrict x,
                            const f32 *restrict gamma, const f32 *restrict beta, int rows, int C, f32 eps) {
  f32 blk[BN_MAX_C], a[BN_MAX_C], b[BN_MAX_C];
  const f32 inv_rows = 1.f / (f32)rows;
  wus_sum_rows(mean, x, rows, C, inv_rows);
  fill_zero(var, C);
  for (int r0 = 0; r0 < rows; r0 += SUM_BLOCK) {
    int r1 = imin(rows, r0 + SUM_BLOCK);
    fill_zero(blk, C);
    for (int r = r0; r < r1; r++) {
      const f32 *row = x + (long)r * C;
      int c = 0;
      for (; c + 4 <= C; c += 4) {
        v128_t d = wasm_f32x4_sub(wasm_v128_load(row + c), wasm_v128_load(mean + c));
        wasm_v128_store(blk + c, wasm_f32x4_add(wasm_v128_load(blk + c), wasm_f32x4_mul(d, d)));
      }
      for (; c < C; c++) blk[c] += (row[c] - mean[c]) * (row[c] - mean[c]);
    }
    add_into(var, blk, C);
  }
  for (int c = 0; c < C; c++) {
    var[c] *= inv_rows;
    a[c] = gamma[c] * inv_std(var[c], eps);
    b[c] = beta[c] - mean[c] * a[c];
  }
  for (int r = 0; r < rows; r++) {
    const f32 *row = x + (long)r * C;
    f32 *out = y + (long)r * C;
    int c = 0;
    for (; c + 4 <= C; c += 4)
      wasm_v128_store(out + c, wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(row + c), wasm_v128_load(a + c)), wasm_v128_load(b + c)));
    for (; c < C; c++) out[c] = row[c] * a[c] + b[c];
  }
}

/*
 * Backward, with x̂ = (x − μ)·s, s = inv_std, M = rows:
 *   dβ = Σ dy,  dγ = Σ dy·x̂,  dx = γ·s·(dy − dβ/M − x̂·dγ/M)
 * One pass for the two sums, one for dx = ka·dy + kb·x + kc with per-channel
 * ka = γ·s, kb = −ka·s·dγ/M, kc = −ka·dβ/M − kb·μ.
 */
void EXPORT(wus_bn_backward)(f32 *restrict dx, f32 *restrict dgamma, f32 *restrict dbeta, const f32 *restrict dy,
                             const f32 *restrict x, const f32 *restrict mean, const f32 *restrict var,
                             const f32 *restrict gamma, int rows, int C, f32 eps) {
  f32 ka[BN_MAX_C], kb[BN_MAX_C], kc[BN_MAX_C];
  f32 *bdy = ka, *bdyx = kb; /* block sums first, coefficients after */
  fill_zero(dbeta, C);
  fill_zero(dgamma, C); /* Σ dy·(x − μ) until scaled by s below */
  for (int r0 = 0; r0 < rows; r0 += SUM_BLOCK) {
    int r1 = imin(rows, r0 + SUM_BLOCK);
    fill_zero(bdy, C);
    fill_zero(bdyx, C);
    for (int r = r0; r < r1; r++) {
      const f32 *xr = x + (long)r * C, *gr = dy + (long)r * C;
      int c = 0;
      for (; c + 4 <= C; c += 4) {
        v128_t g = wasm_v128_load(gr + c);
        v128_t d = wasm_f32x4_sub(wasm_v128_load(xr + c), wasm_v128_load(mean + c));
        wasm_v128_store(bdy + c, wasm_f32x4_add(wasm_v128_load(bdy + c), g));
        wasm_v128_store(bdyx + c, wasm_f32x4_add(wasm_v128_load(bdyx + c), wasm_f32x4_mul(g, d)));
      }
      for (; c < C; c++) {
        bdy[c] += gr[c];
        bdyx[c] += gr[c] * (xr[c] - mean[c]);
      }
    }
    add_into(dbeta, bdy, C);
    add_into(dgamma, bdyx, C);
  }
  const f32 inv_rows = 1.f / (f32)rows;
  for (int c = 0; c < C; c++) {
    f32 s = inv_std(var[c], eps);
    dgamma[c] *= s;
    ka[c] = gamma[c] * s;
    kb[c] = -ka[c] * s * dgamma[c] * inv_rows;
    kc[c] = -ka[c] * dbeta[c] * inv_rows - kb[c] * mean[c];
  }
  for (int r = 0; r < rows; r++) {
    const f32 *xr = x + (long)r * C, *gr = dy + (long)r * C;
    f32 *out = dx + (long)r * C;
    int c = 0;
    for (; c + 4 <= C; c += 4) {
      v128_t v = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(gr + c), wasm_v128_load(ka + c)),
                                wasm_f32x4_mul(wasm_v128_load(xr + c), wasm_v128_load(kb + c)));
      wasm_v128_store(out + c, wasm_f32x4_add(v, wasm_v128_load(kc + c)));
    }
    for (; c < C; c++) out[c] = gr[c] * ka[c] + xr[c] * kb[c] + kc[c];
  }
}

/*
 * One SGD step for n parameters in one pass, PyTorch semantics, in the same float32 operation
 * order as the composed tfjs ops (so both give identical bits):
 *   g' = g + w·wd;  buf' = first ? g' : buf·μ + g';  d = nesterov ? g' + buf'·μ : buf';  w' = w − d·lr
 * flags: 1 = momentum (buf/buf_out used; else d = g'), 2 = first step, 4 = nesterov.
 */
void EXPORT(wus_sgd_update)(f32 *restrict w_out, f32 *restrict buf_out, const f32 *restrict w, const f32 *restrict g,
                            const f32 *restrict buf, int n, f32 lr, f32 mu, f32 wd, int flags) {
  const int momentum = flags & 1, first = flags & 2, nesterov = flags & 4;
  const v128_t vlr = wasm_f32x4_splat(lr), vmu = wasm_f32x4_splat(mu), vwd = wasm_f32x4_splat(wd);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t wi = wasm_v128_load(w + i);
    v128_t gi = wasm_v128_load(g + i);
    if (wd != 0.f) gi = wasm_f32x4_add(gi, wasm_f32x4_mul(wi, vwd));
    v128_t d = gi;
    if (momentum) {
      v128_t b = first ? gi : wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(buf + i), vmu), gi);
      wasm_v128_store(buf_out + i, b);
      d = nesterov ? wasm_f32x4_add(gi, wasm_f32x4_mul(b, vmu)) : b;
    }
    wasm_v128_store(w_out + i, wasm_f32x4_sub(wi, wasm_f32x4_mul(d, vlr)));
  }
  for (; i < n; i++) {
    f32 gi = wd != 0.f ? g[i] + w[i] * wd : g[i];
    f32 d = gi;
    if (momentum) {
      f32 b = first ? gi : buf[i] * mu + gi;
      buf_out[i] = b;
      d = nesterov ? gi + b * mu : b;
    }
    w_out[i] = w[i] - d * lr;
  }
}

/*
 * One Adam step for n parameters in one pass, in the composed tfjs ops' float32 order (same bits):
 *   g' = g + w·wd;  m' = m·β1 + g'·(1−β1);  v' = v·β2 + g'²·(1−β2);  w' = w − m'·step / (√v' + ε')
 * with step = lr·√(1−β2ᵗ)/(1−β1ᵗ) and ε' = ε·√(1−β2ᵗ) computed by the caller (t: the parameter's
 * own update count), c1 = 1−β1, c2 = 1−β2.
 */
void EXPORT(wus_adam_update)(f32 *restrict w_out, f32 *restrict m_out, f32 *restrict v_out, const f32 *restrict w,
                             const f32 *restrict g, const f32 *restrict m, const f32 *restrict v, int n, f32 b1, f32 c1,
                             f32 b2, f32 c2, f32 step, f32 eps, f32 wd) {
  const v128_t vb1 = wasm_f32x4_splat(b1), vc1 = wasm_f32x4_splat(c1), vb2 = wasm_f32x4_splat(b2), vc2 = wasm_f32x4_splat(c2);
  const v128_t vstep = wasm_f32x4_splat(step), veps = wasm_f32x4_splat(eps), vwd = wasm_f32x4_splat(wd);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t wi = wasm_v128_load(w + i);
    v128_t gi = wasm_v128_load(g + i);
    if (wd != 0.f) gi = wasm_f32x4_add(gi, wasm_f32x4_mul(wi, vwd));
    v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), vb1), wasm_f32x4_mul(gi, vc1));
    v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), vb2), wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), vc2));
    wasm_v128_store(m_out + i, mi);
    wasm_v128_store(v_out + i, vi);
    v128_t upd = wasm_f32x4_div(wasm_f32x4_mul(mi, vstep), wasm_f32x4_add(wasm_f32x4_sqrt(vi), veps));
    wasm_v128_store(w_out + i, wasm_f32x4_sub(wi, upd));
  }
  for (; i < n; i++) {
    f32 gi = wd != 0.f ? g[i] + w[i] * wd : g[i];
    f32 mi = m[i] * b1 + gi * c1;
    f32 vi = v[i] * b2 + (gi * gi) * c2;
    m_out[i] = mi;
    v_out[i] = vi;
    w_out[i] = w[i] - (mi * step) / (__builtin_sqrtf(vi) + eps);
  }
}
