"""Write prover/models/default/sample.json: float32 greedy continuations of the saved model.

The TypeScript float inference (prover/src/infer/float.ts) is tested against this file, so it
is computed from the files as saved (config.json + model.safetensors read back), not from the
in-memory training model. Greedy = argmax over the logits of the last position, lowest id on
ties (docs/proof-format.md), recomputing the whole sequence each step (no KV cache), within the
proofs' context T = max_position_embeddings: every prompt here is <= T - 24 bytes long.

Usage: /usr/bin/python3 prover/training/make_sample.py [model_dir]
"""

import hashlib
import json
import os
import sys

import torch

from gemma3_tiny import Gemma3TinyConfig, Gemma3TinyForCausalLM
from safetensors_io import load_f32

PROMPTS = ['ROMEO:', 'To be', 'KING:\n']
GENERATE = 24


def load_model(model_dir: str) -> Gemma3TinyForCausalLM:
    with open(os.path.join(model_dir, 'config.json')) as f:
        hf = json.load(f)
    cfg = Gemma3TinyConfig(**{k: hf[k] for k in Gemma3TinyConfig.__dataclass_fields__})
    model = Gemma3TinyForCausalLM(cfg)
    model.load_state_dict(load_f32(os.path.join(model_dir, 'model.safetensors')), strict=True)
    return model.eval()


def greedy_argmax(logits: torch.Tensor) -> tuple[int, float]:
    """Lowest index among the maxima, and the margin to the runner-up (how robust the choice
    is to float differences between implementations)."""
    top = torch.topk(logits, 2)
    best = int((logits == top.values[0]).nonzero()[0].item())
    return best, float(top.values[0] - top.values[1])


@torch.no_grad()
def greedy(model: Gemma3TinyForCausalLM, prompt_ids: list[int], n: int):
    ids = list(prompt_ids)
    margins = []
    first_logits = None
    for _ in range(n):
        logits = model(torch.tensor([ids]))[0, -1]
        if first_logits is None:
            first_logits = logits
        nxt, margin = greedy_argmax(logits)
        ids.append(nxt)
        margins.append(margin)
    return ids[len(prompt_ids):], margins, first_logits


def write_sample(model_dir: str) -> dict:
    torch.set_num_threads(1)
    model = load_model(model_dir)
    ctx = model.cfg.max_position_embeddings
    with open(os.path.join(model_dir, 'model.safetensors'), 'rb') as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    samples = []
    for i, prompt in enumerate(PROMPTS):
        prompt_ids = list(prompt.encode('utf-8'))
        if len(prompt_ids) + GENERATE > ctx:
            raise ValueError(f'prompt {prompt!r}: {len(prompt_ids)} + {GENERATE} tokens exceed ctx {ctx}')
        gen, margins, logits = greedy(model, prompt_ids, GENERATE)
        entry = {
            'prompt': prompt,
            'promptIds': prompt_ids,
            'generatedIds': gen,
            'generatedText': bytes(gen).decode('utf-8', errors='replace'),
            'minMargin': round(min(margins), 6),
        }
        if i == 0:
            entry['lastPromptLogits'] = [float(x) for x in logits]
        samples.append(entry)
    sample = {
        'description': 'PyTorch float32 greedy continuations of prover/models/default '
                       '(prover/training/make_sample.py). Byte tokens, no BOS; argmax with lowest id on ties. '
                       'minMargin: smallest top-1 minus top-2 logit over the generated steps. '
                       'lastPromptLogits: logits at the last prompt position of the first prompt.',
        'modelSafetensorsSha256': digest,
        'torch': torch.__version__,
        'generate': GENERATE,
        'samples': samples,
    }
    with open(os.path.join(model_dir, 'sample.json'), 'w') as f:
        json.dump(sample, f, indent=1)
        f.write('\n')
    return {s['prompt']: s['generatedText'] for s in samples}


if __name__ == '__main__':
    here = os.path.dirname(os.path.abspath(__file__))
    target = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, '..', 'models', 'default')
    print(json.dumps(write_sample(target), indent=1))
