# model.export writes an inference-only artefact. The default TF SavedModel format works on the
# TensorFlow backend; on PyTorch it needs torch_xla, so "torch" (torch.export) is used. On JAX (via jax2tf)
# it is written, but TensorFlow 2.21 cannot run what JAX 0.12 wrote (a StableHLO version it does not read).
import numpy as np
import keras
from keras import layers

rng = np.random.default_rng(0)
x = rng.normal(size=(3, 4)).astype("float32")
weights = [rng.normal(size=s).astype("float32") for s in [(4, 8), (8,), (8, 2), (2,)]]

model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8, activation="relu"), layers.Dense(2)])
model.set_weights(weights)
original = model.predict(x, verbose=0)

if keras.backend.backend() == "torch":
    import torch
    model.export("mlp.pt2", format="torch", verbose=False,     # a torch.export ExportedProgram
                 dynamic_shapes={0: torch.export.Dim("batch")})  # else the batch size is fixed to 1
    program = torch.export.load("mlp.pt2").module()
    exported = program(keras.ops.convert_to_tensor(x)).detach().cpu().numpy()  # on Keras' device
else:
    import tensorflow as tf
    model.export("mlp_savedmodel", format="tf_saved_model", verbose=False)
    reloaded = tf.saved_model.load("mlp_savedmodel")            # keep a reference while calling it
    exported = reloaded.serve(x).numpy()                        # the endpoint is named "serve"
print("backend:", keras.backend.backend())
print("original:", original.tolist())
print("exported:", exported.tolist())
match = bool(np.allclose(original, exported, atol=1e-5))
print("artefact matches model:", match)

RESULT = {"original": original.tolist(), "exported": exported.tolist(), "match": match}
