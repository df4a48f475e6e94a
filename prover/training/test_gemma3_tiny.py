"""Self-checks of the training model (not part of the vitest suite: training is a one-off and
needs python3-torch). Run: cd prover/training && /usr/bin/python3 -m unittest -v test_gemma3_tiny

The main check is a differential one: a plain NumPy loop over positions, written from the
HF Gemma3ForCausalLM description (not from gemma3_tiny.py's batched tensor code), must give
the same logits. The others pin the masks and the file format.
"""

import json
import math
import os
import struct
import tempfile
import unittest

import numpy as np
import torch

from gemma3_tiny import Gemma3TinyConfig, Gemma3TinyForCausalLM
from safetensors_io import load_f32, save_f32

torch.set_num_threads(1)


def random_model(**overrides) -> Gemma3TinyForCausalLM:
    torch.manual_seed(7)
    cfg = Gemma3TinyConfig(**overrides)
    m = Gemma3TinyForCausalLM(cfg).eval()
    with torch.no_grad():  # make every weight matter, including the norm offsets
        for p in m.parameters():
            p.copy_(torch.randn_like(p) * (0.3 if p.dim() == 1 else 0.2))
    return m


def numpy_reference(m: Gemma3TinyForCausalLM, ids: list[int]) -> np.ndarray:
    cfg = m.cfg
    w = {k: v.double().numpy() for k, v in m.named_weights().items()}
    d, nh, nkv = cfg.head_dim, cfg.num_attention_heads, cfg.num_key_value_heads

    def rms(x, g):
        return x / math.sqrt(float(np.mean(x * x)) + cfg.rms_norm_eps) * (1.0 + g)

    def rope(v, pos, base):
        out = np.empty_like(v)
        for i in range(d // 2):  # pair (i, i + d/2), angle pos * base^(-2i/d)
            a = pos * base ** (-2.0 * i / d)
            out[i] = v[i] * math.cos(a) - v[i + d // 2] * math.sin(a)
            out[i + d // 2] = v[i + d // 2] * math.cos(a) + v[i] * math.sin(a)
        return out

    xs = [w['model.embed_tokens.weight'][t] * math.sqrt(cfg.hidden_size) for t in ids]
    for layer in range(cfg.num_hidden_layers):
        p = f'model.layers.{layer}.'
        is_global = (layer + 1) % cfg.sliding_window_pattern == 0
        base = cfg.rope_theta if is_global else cfg.rope_local_base_freq
        hs = [rms(x, w[p + 'input_layernorm.weight']) for x in xs]
        qs, ks, vs = [], [], []
        for pos, h in enumerate(hs):
            q = (w[p + 'self_attn.q_proj.weight'] @ h).reshape(nh, d)
            k = (w[p + 'self_attn.k_proj.weight'] @ h).reshape(nkv, d)
            qs.append([rope(rms(q[j], w[p + 'self_attn.q_norm.weight']), pos, base) for j in range(nh)])
            ks.append([rope(rms(k[j], w[p + 'self_attn.k_norm.weight']), pos, base) for j in range(nkv)])
            vs.append((w[p + 'self_attn.v_proj.weight'] @ h).reshape(nkv, d))
        new = []
        for t, x in enumerate(xs):
            heads = []
            for j in range(nh):
                kv = j // (nh // nkv)
                keys = [s for s in range(t + 1) if is_global or t - s < cfg.sliding_window]
                sc = np.array([qs[t][j] @ ks[s][kv] for s in keys]) / math.sqrt(cfg.query_pre_attn_scalar)
                pr = np.exp(sc - sc.max())
                pr /= pr.sum()
                heads.append(sum(pr[i] * vs[s][kv] for i, s in enumerate(keys)))
            a = w[p + 'self_attn.o_proj.weight'] @ np.concatenate(heads)
            x = x + rms(a, w[p + 'post_attention_layernorm.weight'])
            h = rms(x, w[p + 'pre_feedforward_layernorm.weight'])
            g = w[p + 'mlp.gate_proj.weight'] @ h
            gelu = 0.5 * g * (1 + np.tanh(math.sqrt(2 / math.pi) * (g + 0.044715 * g ** 3)))
            f = w[p + 'mlp.down_proj.weight'] @ (gelu * (w[p + 'mlp.up_proj.weight'] @ h))
            new.append(x + rms(f, w[p + 'post_feedforward_layernorm.weight']))
        xs = new
    return np.stack([w['model.embed_tokens.weight'] @ rms(x, w['model.norm.weight']) for x in xs])


class ModelSemantics(unittest.TestCase):
    def test_matches_numpy_reference(self):
        m = random_model(num_attention_heads=4, num_key_value_heads=2, sliding_window=4)
        ids = [int(v) for v in torch.randint(0, 256, (20,), generator=torch.Generator().manual_seed(3))]
        with torch.no_grad():
            got = m(torch.tensor([ids]))[0].double().numpy()
        want = numpy_reference(m, ids)
        self.assertLess(np.abs(got - want).max(), 1e-3 * max(1.0, np.abs(want).max()))

    def _changed_positions(self, m, pos):
        ids = torch.randint(0, 256, (1, 32), generator=torch.Generator().manual_seed(5))
        other = ids.clone()
        other[0, pos] = (other[0, pos] + 1) % 256
        with torch.no_grad():
            diff = (m(ids) - m(other))[0].abs().amax(-1)
        return [t for t in range(32) if diff[t] > 0]

    def test_causal(self):
        m = random_model()
        self.assertEqual(self._changed_positions(m, 10)[0], 10)

    def test_local_layer_sees_exactly_the_window(self):
        m = random_model(num_hidden_layers=1, sliding_window=8)  # layer 0 is local (pattern 2)
        self.assertEqual(self._changed_positions(m, 5), list(range(5, 13)))

    def test_global_layer_sees_everything(self):
        m = random_model(num_hidden_layers=1, sliding_window_pattern=1)  # layer 0 global
        self.assertEqual(self._changed_positions(m, 5), list(range(5, 32)))


class SafetensorsFormat(unittest.TestCase):
    def test_round_trip_and_header(self):
        m = random_model()
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, 'model.safetensors')
            save_f32(path, m.named_weights())
            back = load_f32(path)
            with open(path, 'rb') as f:
                (n,) = struct.unpack('<Q', f.read(8))
                header = json.loads(f.read(n))
        self.assertEqual((8 + n) % 8, 0)
        names = [k for k in header if k != '__metadata__']
        self.assertEqual(names, sorted(m.named_weights()))
        self.assertIn('model.layers.1.self_attn.q_norm.weight', names)
        self.assertNotIn('lm_head.weight', names)  # tied
        for k, v in m.named_weights().items():
            self.assertTrue(torch.equal(back[k], v), k)


if __name__ == '__main__':
    unittest.main()
