# TensorFlow's deployable package is the SavedModel: graph + variables with named serving signatures, loaded
# without Python by TF Serving or the C++ API and compiled (by Grappler, optionally XLA) when it is loaded.
# Ahead-of-time native code exists too: saved_model_cli aot_compile_cpu (tfcompile) turns a signature with
# fully static shapes into an object file and a C++ header, which a C++ program must be built against to run.
import pathlib
import subprocess
import sys

import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
x = rng.normal(size=(3, 4)).astype(np.float32)
weights = [rng.normal(size=s).astype(np.float32) for s in [(4, 8), (8,), (8, 2), (2,)]]

class MLP(tf.Module):
    def __init__(self):
        self.w1, self.b1, self.w2, self.b2 = (tf.Variable(w) for w in weights)

    @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32, name="x")])  # batch left dynamic
    def __call__(self, x):
        return {"y": tf.nn.gelu(x @ self.w1 + self.b1, approximate=True) @ self.w2 + self.b2}

    @tf.function(input_signature=[tf.TensorSpec([3, 4], tf.float32, name="x")])     # tfcompile needs static shapes
    def batch_3(self, x):
        return self.__call__(x)

model = MLP()
eager = model(x)["y"].numpy()
tf.saved_model.save(model, "mlp_savedmodel", signatures={"serving_default": model.__call__, "batch_3": model.batch_3})

reloaded = tf.saved_model.load("mlp_savedmodel")
serve = reloaded.signatures["serving_default"]                 # what TF Serving calls: named tensors in and out
print("serving signature:", serve.structured_input_signature[1], "->", list(serve.structured_outputs))
packaged = serve(x=tf.constant(x))["y"].numpy()
batch_of_one = serve(x=tf.constant(x[:1]))["y"].numpy()
print("packaged:", packaged.tolist())
match = bool(np.allclose(packaged, eager, atol=1e-5))
print("package matches eager:", match)

aot = subprocess.run([sys.executable, "-m", "tensorflow.python.tools.saved_model_cli", "aot_compile_cpu",
                      "--dir", "mlp_savedmodel", "--tag_set", "serve", "--signature_def_key", "batch_3",
                      "--output_prefix", "aot/mlp", "--cpp_class", "MLP"], capture_output=True, text=True)
produced = sorted(p.name for p in pathlib.Path("aot").glob("*")) if aot.returncode == 0 else []
print("XLA AOT artefacts (not linked or run here):", produced or aot.stderr.strip().splitlines()[-1])

RESULT = {"packaged": packaged.tolist(), "matches_eager": match,
          "dynamic_batch": bool(np.allclose(batch_of_one, eager[:1], atol=1e-5))}
