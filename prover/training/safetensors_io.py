"""Minimal safetensors writer/reader (F32 only), so training needs no `safetensors` package.

Format (https://github.com/huggingface/safetensors, "Format"): an 8-byte little-endian
unsigned header length N, N bytes of UTF-8 JSON mapping each tensor name to
{dtype, shape, data_offsets: [begin, end)} relative to the byte buffer that follows, plus an
optional "__metadata__" string map; then the raw little-endian tensor bytes, row-major.
Like the reference implementation we sort tensors by name, pack them without gaps and pad
the header with spaces so the data starts 8-byte aligned.
"""

import json
import struct

import numpy as np
import torch


def save_f32(path: str, tensors: dict, metadata: dict | None = None) -> None:
    header: dict = {'__metadata__': metadata or {'format': 'pt'}}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        arr = tensors[name].detach().to(torch.float32).contiguous().numpy().astype('<f4', copy=False)
        raw = arr.tobytes(order='C')
        header[name] = {'dtype': 'F32', 'shape': list(arr.shape), 'data_offsets': [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    head = json.dumps(header, separators=(',', ':')).encode('utf-8')
    head += b' ' * ((8 - (8 + len(head)) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(head)))
        f.write(head)
        for raw in blobs:
            f.write(raw)


def load_f32(path: str) -> dict:
    with open(path, 'rb') as f:
        data = f.read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n].decode('utf-8'))
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        if info['dtype'] != 'F32':
            raise TypeError(f'{path}: tensor {name} has dtype {info["dtype"]}, expected F32')
        begin, end = info['data_offsets']
        arr = np.frombuffer(data[base + begin: base + end], dtype='<f4').reshape(info['shape'])
        out[name] = torch.from_numpy(arr.copy())
    return out
