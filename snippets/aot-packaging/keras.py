# Keras 3 packages a model through model.export. On PyTorch, format="torch" gives a torch.export program that
# AOTInductor can compile to native code; on TensorFlow and JAX, format="tf_saved_model" gives a SavedModel
# (on JAX through jax2tf), a graph that TensorFlow compiles when it is loaded, not native code ahead of time.
# TensorFlow 2.21 cannot run the SavedModel JAX 0.12 writes (a StableHLO version it does not read yet).
import numpy as np
import keras
from keras import layers

rng = np.random.default_rng(0)
x = rng.normal(size=(3, 4)).astype("float32")
weights = [rng.normal(size=s).astype("float32") for s in [(4, 8), (8,), (8, 2), (2,)]]

gelu = lambda t: keras.activations.gelu(t, approximate=True)
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8, activation=gelu), layers.Dense(2)])
model.set_weights(weights)
eager = keras.ops.convert_to_numpy(model(x))
print("backend:", keras.backend.backend())

if keras.backend.backend() == "torch":
    import torch
    model.export("mlp_program.pt2", format="torch", verbose=False,
                 dynamic_shapes={0: torch.export.Dim("batch")})   # else the batch size is fixed to 1
    program = torch.export.load("mlp_program.pt2")
    path = torch._inductor.aoti_compile_and_package(program, package_path="mlp.pt2")
    runner = torch._inductor.aoti_load_package(path)
    run = lambda batch: runner(torch.from_numpy(batch)).detach().cpu().numpy()
    print("artefact: AOTInductor package (native code)")
else:
    import tensorflow as tf
    model.export("mlp_savedmodel", format="tf_saved_model", verbose=False)
    reloaded = tf.saved_model.load("mlp_savedmodel")            # keep a reference while calling it
    run = lambda batch: reloaded.serve(batch).numpy()          # the endpoint is named "serve"
    print("artefact: SavedModel (graph, compiled when loaded)")

packaged, batch_of_one = run(x), run(x[:1])
print("packaged:", packaged.tolist())
match = bool(np.allclose(packaged, eager, atol=1e-5))
print("package matches eager:", match)

RESULT = {"packaged": packaged.tolist(), "matches_eager": match,
          "dynamic_batch": bool(np.allclose(batch_of_one, eager[:1], atol=1e-5))}
