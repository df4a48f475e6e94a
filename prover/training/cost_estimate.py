"""Rough R1CS constraint count of one T-position forward pass, for sizing the default model.

Unit costs are docs/architecture.md's measured cost model ("Arithmetic"), plus stated
guesses for the gadgets it does not measure. It is an estimate for choosing sizes, not the
circuit's real count (the circuit engineers fuse steps and will report exact numbers):

- constant-weight mat-vec: 0; requantizing one value to int8 (16-bit remainder + int8 range
  check): REQUANT = 24;
- private x private product: 1 each (dot products of q.k and p.v: head_dim each);
- RMSNorm of d values: d squares + a 1/sqrt hint with two range checks (2 * REQUANT) +
  d products + d requantizations; (1 + w) and RoPE at a fixed position are constants that
  fold into linear combinations;
- softmax per visible key: max proof (~10) + integer exp (I-BERT i-exp, ~40) + product with a
  1/sum hint (1) + requantization; per row one 1/sum hint (2 * REQUANT);
- GELU (I-BERT i-GELU, sign from the range-check bits, a clip, two products): ~40 + REQUANT;
- argmax over the vocabulary at each position: one ~20-bit range check per logit (~21).

Usage: /usr/bin/python3 prover/training/cost_estimate.py
"""

REQUANT = 24
SOFTMAX_PER_KEY = 10 + 40 + 1 + REQUANT
GELU = 40 + REQUANT
ARGMAX_PER_LOGIT = 21


def norm(d: int) -> int:
    return d + 2 * REQUANT + d + d * REQUANT


def estimate(h: int, hd: int, heads: int, kv: int, ffn: int, layers: int = 2, window: int = 8,
             pattern: int = 2, ctx: int = 32, vocab: int = 256) -> int:
    total = 0
    for layer in range(layers):
        is_global = (layer + 1) % pattern == 0
        for t in range(ctx):
            keys = t + 1 if is_global else min(t + 1, window)
            c = norm(h)                                    # input_layernorm
            c += (heads + 2 * kv) * hd * REQUANT           # q, k, v
            c += (heads + kv) * norm(hd)                   # q_norm, k_norm (+ RoPE, free)
            c += heads * keys * (hd + REQUANT + SOFTMAX_PER_KEY + hd) + heads * 2 * REQUANT
            c += heads * hd * REQUANT                      # attention output
            c += h * REQUANT + norm(h) + h * REQUANT       # o_proj, post_attention_layernorm, residual
            c += norm(h)                                   # pre_feedforward_layernorm
            c += ffn * (2 * REQUANT + GELU + 1 + REQUANT)  # gate, up, GELU, gating product
            c += h * REQUANT + norm(h) + h * REQUANT       # down, post_feedforward_layernorm, residual
            total += c
    total += ctx * (norm(h) + vocab * ARGMAX_PER_LOGIT)    # final norm + greedy argmax
    return total


def params(h: int, hd: int, heads: int, kv: int, ffn: int, layers: int = 2, vocab: int = 256) -> int:
    per_layer = h * heads * hd + 2 * h * kv * hd + heads * hd * h + 3 * h * ffn + 4 * h + 2 * hd
    return vocab * h + layers * per_layer + h


if __name__ == '__main__':
    print('layers vocab hidden head_dim heads kv ffn  params  ~constraints')
    # (hidden, head_dim, heads, kv, ffn), layers, sliding_window_pattern, vocab
    for cfg, layers, pattern, vocab in [
            ((32, 16, 2, 1, 64), 2, 2, 256), ((32, 16, 2, 1, 96), 2, 2, 256), ((48, 24, 2, 1, 64), 2, 2, 256),
            ((48, 24, 2, 1, 96), 2, 2, 256), ((48, 24, 2, 1, 128), 2, 2, 256), ((64, 32, 2, 1, 128), 2, 2, 256),
            ((16, 8, 2, 1, 32), 2, 2, 256), ((16, 8, 2, 1, 32), 2, 2, 128), ((24, 12, 2, 1, 48), 1, 1, 256),
            ((16, 8, 2, 1, 32), 1, 1, 256), ((16, 8, 2, 1, 32), 1, 1, 128)]:
        n = estimate(*cfg, layers=layers, pattern=pattern, vocab=vocab)
        print(f'{layers:6} {vocab:5} {cfg[0]:6} {cfg[1]:8} {cfg[2]:5} {cfg[3]:2} {cfg[4]:4} {params(*cfg, layers=layers, vocab=vocab):7} {n:12,}')
