"""A compact PyTorch Gemma 3 text model (decoder only), for training zkinfer's default model.

It follows Hugging Face transformers' `Gemma3ForCausalLM` (models/gemma3/modeling_gemma3.py,
transformers 4.50+) and the Gemma 3 technical report (arXiv:2503.19786) operation for
operation, so that the weights it saves load into HF and into zkinfer's own importers with the
same meaning:

- embeddings are scaled by sqrt(hidden_size), the scale cast to the weights' dtype first
  (Gemma3TextScaledWordEmbedding);
- RMSNorm runs in float32: x * rsqrt(mean(x^2) + eps) * (1 + w), w initialised to 0
  (Gemma3RMSNorm; the stored weight is the offset from 1);
- "sandwich" norms: each block is input_layernorm -> attention -> post_attention_layernorm ->
  residual add, then pre_feedforward_layernorm -> MLP -> post_feedforward_layernorm ->
  residual add (Gemma3DecoderLayer);
- attention applies q_norm / k_norm (RMSNorm over head_dim) BEFORE RoPE (report section 2:
  "we replace the soft-capping of Gemma 2 with QK-norm"), RoPE in rotate_half style, scores
  scaled by query_pre_attn_scalar ** -0.5, grouped-query attention, a causal mask and, on
  local layers, a sliding window (a query at t sees keys t-window+1 .. t);
- layer l is global iff (l + 1) % sliding_window_pattern == 0 (Gemma3TextConfig.layer_types);
  local layers use rope_local_base_freq, global layers rope_theta (report: 10k local, 1M global);
- MLP = down(gelu_tanh(gate(x)) * up(x)) (hidden_activation "gelu_pytorch_tanh");
- a final RMSNorm and an output projection tied to the embedding; no logit soft-capping
  (Gemma 3 has none: attn_logit_softcapping and final_logit_softcapping are None).
No biases anywhere (attention_bias False), no dropout.
"""

from dataclasses import dataclass, asdict

import torch
from torch import nn
import torch.nn.functional as F


@dataclass
class Gemma3TinyConfig:
    vocab_size: int = 256
    hidden_size: int = 32
    num_hidden_layers: int = 2
    num_attention_heads: int = 2
    num_key_value_heads: int = 1
    head_dim: int = 16
    intermediate_size: int = 64
    max_position_embeddings: int = 32
    rms_norm_eps: float = 1e-6
    rope_theta: float = 1_000_000.0
    rope_local_base_freq: float = 10_000.0
    sliding_window: int = 8
    sliding_window_pattern: int = 2
    query_pre_attn_scalar: int = 16

    def is_global(self, layer: int) -> bool:
        return (layer + 1) % self.sliding_window_pattern == 0

    def hf_config(self) -> dict:
        """HF-style config.json (same keys as /work/shared/models/tiny-gemma3-random)."""
        c = asdict(self)
        return {
            'model_type': 'gemma3_text',
            'vocab_size': c['vocab_size'],
            'hidden_size': c['hidden_size'],
            'num_hidden_layers': c['num_hidden_layers'],
            'num_attention_heads': c['num_attention_heads'],
            'num_key_value_heads': c['num_key_value_heads'],
            'head_dim': c['head_dim'],
            'intermediate_size': c['intermediate_size'],
            'max_position_embeddings': c['max_position_embeddings'],
            'rms_norm_eps': c['rms_norm_eps'],
            'rope_theta': c['rope_theta'],
            'tie_word_embeddings': True,
            'sliding_window': c['sliding_window'],
            'sliding_window_pattern': c['sliding_window_pattern'],
            'query_pre_attn_scalar': c['query_pre_attn_scalar'],
            'rope_local_base_freq': c['rope_local_base_freq'],
        }


class Gemma3RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.zeros(dim))  # stored as the offset from 1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        xf = x.float()
        out = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)
        # HF computes (1 + w) in float32 and casts back at the end (unlike Llama's norm).
        return (out * (1.0 + self.weight.float())).type_as(x)


def rope_cos_sin(head_dim: int, base: float, seq_len: int):
    """cos/sin tables of shape [seq_len, head_dim], halves duplicated as in HF
    (inv_freq = base^(-2i/d), emb = cat(freqs, freqs))."""
    inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    pos = torch.arange(seq_len, dtype=torch.float32)
    freqs = torch.outer(pos, inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos(), emb.sin()


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def attention_mask(seq_len: int, sliding_window: int | None) -> torch.Tensor:
    """Boolean [T, T], True where query t may attend to key s: s <= t, and on local layers
    also t - s < sliding_window (HF sliding_window_overlay: kv_idx > q_idx - sliding_window)."""
    q = torch.arange(seq_len).unsqueeze(1)
    k = torch.arange(seq_len).unsqueeze(0)
    allowed = k <= q
    if sliding_window is not None:
        allowed = allowed & (q - k < sliding_window)
    return allowed


class Gemma3Attention(nn.Module):
    def __init__(self, cfg: Gemma3TinyConfig, layer: int):
        super().__init__()
        self.cfg = cfg
        self.is_global = cfg.is_global(layer)
        h, d = cfg.hidden_size, cfg.head_dim
        self.q_proj = nn.Linear(h, cfg.num_attention_heads * d, bias=False)
        self.k_proj = nn.Linear(h, cfg.num_key_value_heads * d, bias=False)
        self.v_proj = nn.Linear(h, cfg.num_key_value_heads * d, bias=False)
        self.o_proj = nn.Linear(cfg.num_attention_heads * d, h, bias=False)
        self.q_norm = Gemma3RMSNorm(d, cfg.rms_norm_eps)
        self.k_norm = Gemma3RMSNorm(d, cfg.rms_norm_eps)
        self.scaling = cfg.query_pre_attn_scalar ** -0.5
        base = cfg.rope_theta if self.is_global else cfg.rope_local_base_freq
        cos, sin = rope_cos_sin(d, base, cfg.max_position_embeddings)
        self.register_buffer('cos', cos, persistent=False)
        self.register_buffer('sin', sin, persistent=False)
        mask = attention_mask(cfg.max_position_embeddings, None if self.is_global else cfg.sliding_window)
        self.register_buffer('mask', mask, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape
        cfg = self.cfg
        d = cfg.head_dim
        q = self.q_proj(x).view(b, t, cfg.num_attention_heads, d).transpose(1, 2)
        k = self.k_proj(x).view(b, t, cfg.num_key_value_heads, d).transpose(1, 2)
        v = self.v_proj(x).view(b, t, cfg.num_key_value_heads, d).transpose(1, 2)
        q, k = self.q_norm(q), self.k_norm(k)  # QK-norm before RoPE, as HF
        cos, sin = self.cos[:t], self.sin[:t]
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        groups = cfg.num_attention_heads // cfg.num_key_value_heads
        k = k.repeat_interleave(groups, dim=1)  # HF repeat_kv: head h uses kv head h // groups
        v = v.repeat_interleave(groups, dim=1)
        scores = torch.matmul(q, k.transpose(2, 3)) * self.scaling
        scores = scores.masked_fill(~self.mask[:t, :t], torch.finfo(scores.dtype).min)
        probs = F.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype)
        out = torch.matmul(probs, v).transpose(1, 2).reshape(b, t, cfg.num_attention_heads * d)
        return self.o_proj(out)


class Gemma3MLP(nn.Module):
    def __init__(self, cfg: Gemma3TinyConfig):
        super().__init__()
        self.gate_proj = nn.Linear(cfg.hidden_size, cfg.intermediate_size, bias=False)
        self.up_proj = nn.Linear(cfg.hidden_size, cfg.intermediate_size, bias=False)
        self.down_proj = nn.Linear(cfg.intermediate_size, cfg.hidden_size, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down_proj(F.gelu(self.gate_proj(x), approximate='tanh') * self.up_proj(x))


class Gemma3DecoderLayer(nn.Module):
    def __init__(self, cfg: Gemma3TinyConfig, layer: int):
        super().__init__()
        eps = cfg.rms_norm_eps
        self.self_attn = Gemma3Attention(cfg, layer)
        self.mlp = Gemma3MLP(cfg)
        self.input_layernorm = Gemma3RMSNorm(cfg.hidden_size, eps)
        self.post_attention_layernorm = Gemma3RMSNorm(cfg.hidden_size, eps)
        self.pre_feedforward_layernorm = Gemma3RMSNorm(cfg.hidden_size, eps)
        self.post_feedforward_layernorm = Gemma3RMSNorm(cfg.hidden_size, eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.post_attention_layernorm(self.self_attn(self.input_layernorm(x)))
        return x + self.post_feedforward_layernorm(self.mlp(self.pre_feedforward_layernorm(x)))


class Gemma3Inner(nn.Module):
    """Holds the parameters under HF's `model.` prefix."""

    def __init__(self, cfg: Gemma3TinyConfig):
        super().__init__()
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.hidden_size)
        self.layers = nn.ModuleList([Gemma3DecoderLayer(cfg, i) for i in range(cfg.num_hidden_layers)])
        self.norm = Gemma3RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)


class Gemma3TinyForCausalLM(nn.Module):
    def __init__(self, cfg: Gemma3TinyConfig):
        super().__init__()
        self.cfg = cfg
        self.model = Gemma3Inner(cfg)
        self.apply(self._init_weights)

    @staticmethod
    def _init_weights(m: nn.Module) -> None:
        # HF Gemma3PreTrainedModel._init_weights: normal(0, initializer_range = 0.02).
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """Logits [B, T, vocab] for token ids [B, T] (T <= max_position_embeddings)."""
        emb = self.model.embed_tokens.weight
        normalizer = torch.tensor(self.cfg.hidden_size ** 0.5, dtype=emb.dtype)
        x = self.model.embed_tokens(ids) * normalizer
        for layer in self.model.layers:
            x = layer(x)
        x = self.model.norm(x)
        return F.linear(x, emb)  # tied lm_head

    def named_weights(self) -> dict:
        """HF tensor names -> tensors (persistent parameters only)."""
        return {name: p.detach() for name, p in self.named_parameters()}

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.parameters())

