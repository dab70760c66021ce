//! The measuring environment: CPU model, cores, memory, OS from the system; Python, numpy,
//! torch, TensorFlow/Keras versions, GPUs and the MNIST check from one Python probe process.

use crate::bench::results::Environment;
use serde::Deserialize;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// sha256 of each array's raw bytes in the canonical MNIST (`scripts/prepare_mnist.py`).
const MNIST_SHA256: [(&str, &str); 4] = [
    (
        "x_train",
        "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    ),
    (
        "y_train",
        "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    ),
    (
        "x_test",
        "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    ),
    (
        "y_test",
        "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
    ),
];

/// How long the probe (imports of torch and TensorFlow, hashing MNIST) may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(180);

/// The command that creates the Python environment and the data.
pub const SETUP_COMMAND: &str = "scripts/setup-python.sh";

const PROBE: &str = r#"
import hashlib, json, os, platform, sys
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
backends, data = sys.argv[1].split(","), sys.argv[2]
out = {"python_version": platform.python_version(), "missing": [], "gpus": [], "cuda_available": False}
try:
    import numpy as np
    out["numpy_version"] = np.__version__
except Exception as e:
    out["missing"].append(["numpy", f"{type(e).__name__}: {e}"])
    np = None
if "pytorch" in backends:
    try:
        import torch
        out["torch_version"] = torch.__version__
        if torch.cuda.is_available():
            out["cuda_available"] = True
            out["gpus"] = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    except Exception as e:
        out["missing"].append(["torch", f"{type(e).__name__}: {e}"])
if "tensorflow" in backends:
    try:
        os.environ["KERAS_BACKEND"] = "tensorflow"
        import keras
        import tensorflow as tf
        out["tensorflow_version"] = tf.__version__
        out["keras_version"] = keras.__version__
        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            out["cuda_available"] = True
            if not out["gpus"]:
                out["gpus"] = [tf.config.experimental.get_device_details(g).get("device_name", g.name) for g in gpus]
    except Exception as e:
        out["missing"].append(["tensorflow", f"{type(e).__name__}: {e}"])
if np is not None:
    try:
        with np.load(data) as d:
            out["data"] = {k: {"shape": list(d[k].shape), "dtype": str(d[k].dtype),
                               "sha256": hashlib.sha256(np.ascontiguousarray(d[k]).tobytes()).hexdigest()}
                           for k in ("x_train", "y_train", "x_test", "y_test")}
    except Exception as e:
        out["data_error"] = f"{type(e).__name__}: {e}"
print(json.dumps(out))
"#;

/// What the probe prints.
#[derive(Debug, Deserialize)]
struct Probe {
    python_version: String,
    numpy_version: Option<String>,
    torch_version: Option<String>,
    tensorflow_version: Option<String>,
    keras_version: Option<String>,
    cuda_available: bool,
    gpus: Vec<String>,
    missing: Vec<(String, String)>,
    data: Option<std::collections::BTreeMap<String, ArrayInfo>>,
    data_error: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ArrayInfo {
    shape: Vec<u64>,
    dtype: String,
    sha256: String,
}

/// Runs the probe with `python` for the given backends and data file, and fills in the
/// environment; any problem is one message naming the fix.
pub fn probe(python: &Path, backends: &[String], data: &Path) -> Result<Environment, String> {
    let shown = python.display();
    let handle = duct::cmd(
        python,
        [
            "-c".into(),
            PROBE.into(),
            backends.join(","),
            data.display().to_string(),
        ],
    )
    .env("TF_CPP_MIN_LOG_LEVEL", "2")
    .stdout_capture()
    .stderr_capture()
    .unchecked()
    .start()
    .map_err(|e| {
        format!(
            "cannot run Python `{shown}`: {e}; create the environment with `{SETUP_COMMAND}`, \
             or pass --python PATH / set NEURALC_PYTHON"
        )
    })?;
    let output = match handle.wait_timeout(PROBE_TIMEOUT) {
        Ok(Some(out)) => out.clone(),
        Ok(None) => {
            let _ = handle.kill();
            return Err(format!(
                "Python `{shown}` did not finish importing the frameworks within {} s",
                PROBE_TIMEOUT.as_secs()
            ));
        }
        Err(e) => return Err(format!("cannot run Python `{shown}`: {e}")),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let probe: Probe = match stdout.lines().last().map(serde_json::from_str) {
        Some(Ok(p)) if output.status.success() => p,
        _ => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let last = stderr
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("no output");
            return Err(format!(
                "`{shown}` is not a working Python 3 interpreter ({last}); create the environment \
                 with `{SETUP_COMMAND}`"
            ));
        }
    };
    if let Some((package, why)) = probe.missing.first() {
        let name = match package.as_str() {
            "torch" => "PyTorch (torch)",
            "tensorflow" => "TensorFlow/Keras",
            other => other,
        };
        return Err(format!(
            "{name} is not usable with `{shown}` ({why}); install it with `{SETUP_COMMAND}`"
        ));
    }
    check_mnist(&probe, data)?;
    let mut env = machine();
    env.python_version = probe.python_version;
    env.numpy_version = probe.numpy_version.unwrap_or_default();
    env.torch_version = probe.torch_version;
    env.tensorflow_version = probe.tensorflow_version;
    env.keras_version = probe.keras_version;
    env.cuda_available = probe.cuda_available;
    env.gpus = probe.gpus;
    Ok(env)
}

/// Refuses anything but the real MNIST arrays (no random or other data).
fn check_mnist(probe: &Probe, data: &Path) -> Result<(), String> {
    let shown = data.display();
    if let Some(err) = &probe.data_error {
        return Err(format!(
            "cannot read MNIST from `{shown}` ({err}); prepare it with `{SETUP_COMMAND}`"
        ));
    }
    let arrays = probe
        .data
        .as_ref()
        .ok_or_else(|| format!("MNIST file `{shown}` was not checked"))?;
    for (name, expected) in MNIST_SHA256 {
        let Some(info) = arrays.get(name) else {
            return Err(format!("`{shown}` lacks the array `{name}`"));
        };
        if info.sha256 != expected {
            return Err(format!(
                "`{shown}` is not the real MNIST data set (array `{name}`: shape {:?}, {}, \
                 checksum differs); the benchmark only runs on real MNIST, never on random or \
                 other data; recreate it with `{SETUP_COMMAND}`",
                info.shape, info.dtype
            ));
        }
    }
    Ok(())
}

/// CPU, cores, memory and OS as the system reports them (Linux `/proc`, elsewhere what std knows).
pub fn machine() -> Environment {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu_model = cpuinfo
        .lines()
        .find_map(|l| {
            let (key, value) = l.split_once(':')?;
            (key.trim() == "model name").then(|| value.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let memory_gib = std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| {
        let line = m.lines().find(|l| l.starts_with("MemTotal:"))?;
        let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some((kib / 1024.0 / 1024.0 * 10.0).round() / 10.0)
    });
    let os_release = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    let pretty = os_release.lines().find_map(|l| {
        l.strip_prefix("PRETTY_NAME=")
            .map(|v| v.trim_matches('"').to_string())
    });
    let os = match pretty {
        Some(name) => format!("{} ({name})", std::env::consts::OS),
        None => std::env::consts::OS.to_string(),
    };
    Environment {
        os,
        cpu_model,
        cpu_cores: std::thread::available_parallelism().map_or(1, |n| n.get() as u32),
        memory_gib,
        ..Environment::default()
    }
}

/// A UTC timestamp such as `2026-11-27T16:40:05Z`.
pub fn utc_timestamp(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_civil_dates() {
        assert_eq!(utc_timestamp(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = UNIX_EPOCH + Duration::from_secs(1_795_797_614);
        assert_eq!(utc_timestamp(t), "2026-11-27T16:40:14Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29
        assert_eq!(utc_timestamp(leap), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn machine_reports_at_least_one_core() {
        assert!(machine().cpu_cores >= 1);
    }
}
