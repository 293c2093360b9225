"""The registry of runners: which framework (and Keras backend) runs in which warm worker environment.

Adding a framework or a Keras backend is one entry here plus its snippets. Runs whose environments agree share a
warm worker, so `tensorflow` and `keras/tensorflow` pay for one TensorFlow import, not two.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Runner:
    key: str            # run key as used in task.yml: "pytorch", "keras/jax", ...
    framework: str      # the script it runs: <framework>.py
    backend: str | None  # Keras backend, for Keras runs
    env: str            # the warm worker environment it runs in
    label: str          # what readers see
    colour: str         # its colour in every chart


@dataclass(frozen=True)
class WorkerEnv:
    name: str
    preload: tuple[str, ...]  # modules the warm worker imports once
    packages: tuple[str, ...]  # distributions whose versions enter the cache key
    variables: tuple[tuple[str, str], ...]  # environment of the worker and of every run in it


RUNNERS: dict[str, Runner] = {r.key: r for r in (
    Runner("pytorch", "pytorch", None, "torch", "PyTorch", "#ee4c2c"),
    Runner("tensorflow", "tensorflow", None, "tensorflow", "TensorFlow", "#ff8f00"),
    Runner("keras/tensorflow", "keras", "tensorflow", "tensorflow", "Keras (TensorFlow backend)", "#d00000"),
    Runner("keras/torch", "keras", "torch", "torch", "Keras (PyTorch backend)", "#8e24aa"),
    Runner("keras/jax", "keras", "jax", "jax", "Keras (JAX backend)", "#1e88e5"),
)}
FRAMEWORKS: tuple[str, ...] = tuple(dict.fromkeys(r.framework for r in RUNNERS.values()))  # the scripts of a task
FRAMEWORK_LABELS = {"pytorch": "PyTorch", "tensorflow": "TensorFlow", "keras": "Keras"}
RUN_KEYS: tuple[str, ...] = tuple(RUNNERS) + tuple(f for f in FRAMEWORKS if f not in RUNNERS)  # task.yml keys

# the distribution a module is installed by, where its name differs (pins, downloads' requirements, API-name messages)
DISTRIBUTIONS = {"tensorflow": "tensorflow-cpu", "ai_edge_litert": "ai-edge-litert", "PIL": "pillow", "yaml": "PyYAML",
                 "google": "protobuf"}

WORKER_ENVS: dict[str, WorkerEnv] = {w.name: w for w in (
    WorkerEnv("torch", ("torch", "keras"), ("torch", "keras", "numpy"), (("KERAS_BACKEND", "torch"),)),
    WorkerEnv("tensorflow", ("tensorflow", "keras"), ("tensorflow-cpu", "tensorflow", "keras", "numpy"),
              (("KERAS_BACKEND", "tensorflow"), ("TF_CPP_MIN_LOG_LEVEL", "1"))),
    WorkerEnv("jax", ("jax", "keras"), ("jax", "jaxlib", "keras", "numpy"), (("KERAS_BACKEND", "jax"),)),
)}


# The only variables of the build's environment that reach a worker and its runs (plus each WorkerEnv's `variables`,
# and HOME, TMPDIR, PYTHONHASHSEED set by the executor): nothing else leaks, a token included.
PASSED_VARIABLES: tuple[str, ...] = ("PATH", "LANG", "LANGUAGE", "LC_*", "TZ", "PYTHONPATH", "LD_LIBRARY_PATH",
                                     "CUDA_VISIBLE_DEVICES", "OMP_NUM_THREADS", "GENERATOR_TEST_TAG")
