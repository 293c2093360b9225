# A .keras file saved on this backend, loaded on
# the next one (tensorflow -> jax -> torch ->
# tensorflow) in a second Python process: the
# backend is fixed before import.
import json
import os
import subprocess
import sys
import tempfile
import numpy as np
import keras

rng = np.random.default_rng(0)
x = rng.normal(size=(4, 3)).astype("float32")
model = keras.Sequential([
    keras.Input((3,)),
    keras.layers.Dense(5, "relu"),
    keras.layers.Dense(2)])
model.set_weights([rng.normal(size=w.shape).astype(
    "float32") for w in model.get_weights()])
here = keras.backend.backend()
path = os.path.join(tempfile.mkdtemp(), "m.keras")
model.save(path)
mine = model.predict(x, verbose=0)

LOAD = """import json, sys, numpy as np, keras
m = keras.saving.load_model(sys.argv[1])
x = np.array(json.loads(sys.argv[2]), "float32")
y = m.predict(x, verbose=0)
print(json.dumps(y.tolist()))"""
print("saved on:", here)
NEXT = {"tensorflow": "jax", "jax": "torch",
        "torch": "tensorflow"}
other = NEXT[here]
env = {**os.environ, "KERAS_BACKEND": other}
out = subprocess.run(
    [sys.executable, "-c", LOAD, path,
     json.dumps(x.tolist())], env=env, check=True,
    capture_output=True, text=True).stdout
theirs = np.array(json.loads(out.splitlines()[-1]))
same = bool(np.allclose(theirs, mine, atol=1e-6))
print(f"loaded on {other}: same output:", same)

RESULT = {"output": mine.tolist(),
          "loads_elsewhere": same}
