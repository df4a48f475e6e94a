"""Train zkinfer's bundled default model: a tiny Gemma 3 on tinyshakespeare, byte tokens.

One-off tool, never a runtime or test dependency. Needs Debian's PyTorch (python3-torch,
1.13) and runs on CPU with one thread (the project machine is shared). Reproduce the bundled
model with the exact command in prover/models/default/README.md ("How to retrain").

Data: bytes of the corpus are the tokens (vocab 256 or, with --vocab 128, ASCII only; token
id = byte value, no BOS). The
first 90% of the file is the training split, the last 10% validation (as nanoGPT's
shakespeare_char). Training samples random 33-byte windows (32 inputs + the next byte of
each), the proofs' context T = 32; validation uses every non-overlapping window of the
validation split.
"""

import argparse
import hashlib
import json
import math
import os
import time

import torch
import torch.nn.functional as F

from gemma3_tiny import Gemma3TinyConfig, Gemma3TinyForCausalLM
from safetensors_io import save_f32
from make_sample import write_sample

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--corpus', default=os.path.join(REPO, '..', 'shared', 'corpus', 'tinyshakespeare.txt'))
    p.add_argument('--out', default=os.path.join(REPO, 'prover', 'models', 'default'))
    p.add_argument('--log', default=os.path.join(HERE, 'train-log.json'))
    p.add_argument('--vocab', type=int, default=128, choices=[128, 256], help='byte vocabulary: 256 (any byte) or 128 (ASCII; the corpus must be ASCII)')
    p.add_argument('--hidden', type=int, default=32)
    p.add_argument('--layers', type=int, default=2)
    p.add_argument('--heads', type=int, default=2)
    p.add_argument('--kv-heads', type=int, default=1)
    p.add_argument('--head-dim', type=int, default=16)
    p.add_argument('--ffn', type=int, default=64)
    p.add_argument('--window', type=int, default=8)
    p.add_argument('--pattern', type=int, default=1, help='sliding_window_pattern: layer l is global iff (l + 1) %% pattern == 0 (1: every layer global)')
    p.add_argument('--ctx', type=int, default=32)
    p.add_argument('--steps', type=int, default=20000)
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--lr', type=float, default=3e-3)
    p.add_argument('--min-lr', type=float, default=3e-4)
    p.add_argument('--warmup', type=int, default=200)
    p.add_argument('--weight-decay', type=float, default=0.1)
    p.add_argument('--clip', type=float, default=1.0)
    p.add_argument('--seed', type=int, default=1234)
    p.add_argument('--eval-every', type=int, default=1000)
    p.add_argument('--no-save', action='store_true', help='train and evaluate only (for sizing runs)')
    return p.parse_args()


def load_corpus(path: str):
    with open(path, 'rb') as f:
        raw = f.read()
    data = torch.tensor(list(raw), dtype=torch.long)
    split = int(len(data) * 0.9)
    return raw, data[:split], data[split:]


def lr_at(step: int, a: argparse.Namespace) -> float:
    """Linear warm-up, then cosine decay from lr to min_lr."""
    if step < a.warmup:
        return a.lr * (step + 1) / a.warmup
    progress = (step - a.warmup) / max(1, a.steps - a.warmup)
    return a.min_lr + 0.5 * (a.lr - a.min_lr) * (1 + math.cos(math.pi * progress))


@torch.no_grad()
def evaluate(model, windows: torch.Tensor, batch: int = 512) -> float:
    model.eval()
    total, count = 0.0, 0
    for i in range(0, len(windows), batch):
        w = windows[i:i + batch]
        logits = model(w[:, :-1])
        total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), w[:, 1:].reshape(-1), reduction='sum').item()
        count += w[:, 1:].numel()
    model.train()
    return total / count


def optimizer_for(model, a: argparse.Namespace):
    # Decay matrices and the embedding (keeps int8 ranges tame); not the norm offsets.
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    keep = [p for n, p in model.named_parameters() if p.dim() < 2]
    return torch.optim.AdamW([{'params': decay, 'weight_decay': a.weight_decay},
                              {'params': keep, 'weight_decay': 0.0}], lr=a.lr, betas=(0.9, 0.95))


def main() -> None:
    a = parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    cfg = Gemma3TinyConfig(vocab_size=a.vocab, hidden_size=a.hidden, num_hidden_layers=a.layers, num_attention_heads=a.heads,
                           num_key_value_heads=a.kv_heads, head_dim=a.head_dim, intermediate_size=a.ffn,
                           max_position_embeddings=a.ctx, sliding_window=a.window, sliding_window_pattern=a.pattern, query_pre_attn_scalar=a.head_dim)
    raw, train, val = load_corpus(a.corpus)
    if int(max(raw)) >= a.vocab:
        raise SystemExit(f'{a.corpus}: byte {max(raw)} does not fit --vocab {a.vocab}')
    n_val = (len(val) - 1) // (a.ctx + 1)
    val_windows = val[:n_val * (a.ctx + 1)].view(n_val, a.ctx + 1)
    model = Gemma3TinyForCausalLM(cfg)
    opt = optimizer_for(model, a)
    gen = torch.Generator().manual_seed(a.seed)
    offsets = torch.arange(a.ctx + 1)
    print(f'params {model.parameter_count()}  train {len(train)} B  val windows {n_val}', flush=True)

    curve = []
    window_loss, window_n = 0.0, 0
    start = time.time()
    for step in range(a.steps):
        for g in opt.param_groups:
            g['lr'] = lr_at(step, a)
        idx = torch.randint(0, len(train) - a.ctx - 1, (a.batch,), generator=gen)
        w = train[idx.unsqueeze(1) + offsets]
        logits = model(w[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, cfg.vocab_size), w[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), a.clip)
        opt.step()
        window_loss += loss.item()
        window_n += 1
        if (step + 1) % a.eval_every == 0 or step + 1 == a.steps:
            v = evaluate(model, val_windows)
            point = {'step': step + 1, 'train': round(window_loss / window_n, 4), 'val': round(v, 4),
                     'seconds': round(time.time() - start, 1)}
            curve.append(point)
            window_loss, window_n = 0.0, 0
            print(json.dumps(point), flush=True)
    seconds = time.time() - start

    weights = model.named_weights()
    log = {
        'config': cfg.hf_config(), 'args': {k: v for k, v in vars(a).items() if k not in ('corpus', 'out', 'log')},
        'parameters': model.parameter_count(), 'corpus_sha256': hashlib.sha256(raw).hexdigest(),
        'split': 'first 90% of the corpus bytes train, last 10% validation (non-overlapping windows of ctx + 1)',
        'train_bytes': len(train), 'val_windows': n_val, 'train_seconds': round(seconds, 1),
        'val_loss': curve[-1]['val'],
        'torch': torch.__version__, 'curve': curve,
        'max_abs': {n: round(t.abs().max().item(), 4) for n, t in sorted(weights.items())},
    }
    if not a.no_save:
        os.makedirs(a.out, exist_ok=True)
        save_f32(os.path.join(a.out, 'model.safetensors'), weights)
        with open(os.path.join(a.out, 'config.json'), 'w') as f:
            json.dump(cfg.hf_config(), f, indent=2)
            f.write('\n')
        log['sample'] = write_sample(a.out)
    with open(a.log, 'w') as f:
        json.dump(log, f, indent=1)
        f.write('\n')
    print(f'done in {seconds:.0f} s; final val loss {curve[-1]["val"]}', flush=True)


if __name__ == '__main__':
    main()
