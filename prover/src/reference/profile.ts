/**
 * The architecture differences between the two supported families, in one place: the float
 * reference (float.ts) and the quantizer (quant/*) consult this profile instead of testing the
 * family. Llama: llama2.c run.c / HF LlamaModel. Gemma 3: HF Gemma3TextModel and the Gemma 3
 * technical report. RMSNorm weights are already the effective multipliers here (Gemma's 1 + w
 * offset is applied when the model is loaded, model/*), so norms have no per-family kind.
 */
import { isGlobalLayer, type ModelConfig } from '../model/types.ts';

export interface ArchProfile {
  /** Multiplier of the embedding rows: √d rounded to float32 (Gemma 3), 1 (Llama). */
  embedScale: number;
  /** Factor of the q·k scores: queryPreAttnScalar^−½ (Gemma 3), headDim^−½ (Llama). */
  attnScale: number;
  /** RMSNorm per head on q and k before RoPE (Gemma 3 QK-norm). */
  qkNorm: boolean;
  /** RMSNorm on each branch output (attention, FFN) before its residual add (Gemma 3). */
  postNorms: boolean;
  /** The FFN gate's activation: tanh-approximated GELU (GeGLU, Gemma 3) or SiLU (SwiGLU, Llama). */
  activation: 'silu' | 'gelu_tanh';
  /** Whether some layers use the local RoPE base (Gemma 3 sliding-window layers). */
  localRope: boolean;
  /** The output matrix is the embedding (config.tieEmbeddings). */
  tiedEmbeddings: boolean;
}

export function archProfile(c: ModelConfig): ArchProfile {
  const gemma = c.family === 'gemma3';
  return {
    embedScale: gemma ? Math.fround(Math.sqrt(c.dModel)) : 1,
    attnScale: 1 / Math.sqrt(gemma ? (c.queryPreAttnScalar ?? c.headDim) : c.headDim),
    qkNorm: gemma,
    postNorms: gemma,
    activation: gemma ? 'gelu_tanh' : 'silu',
    localRope: gemma,
    tiedEmbeddings: c.tieEmbeddings,
  };
}

/** Whether layer l rotates with the local RoPE base (a sliding-window layer of a local-rope family). */
export function usesLocalRope(p: ArchProfile, c: ModelConfig, l: number): boolean {
  return p.localRope && !isGlobalLayer(c, l);
}

/** The RoPE base of layer l. */
export function ropeBase(p: ArchProfile, c: ModelConfig, l: number): number {
  return usesLocalRope(p, c, l) ? (c.ropeLocalTheta ?? c.ropeTheta) : c.ropeTheta;
}
