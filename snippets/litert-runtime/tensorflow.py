# LiteRT (formerly TensorFlow Lite) as it stands with TensorFlow 2.21: the converter is still tf.lite, but the
# runtime has moved to the ai-edge-litert package. tf.lite.Interpreter still runs and warns; LiteRT offers the
# same Interpreter API and its newer CompiledModel API (hardware accelerators chosen at compile time).
import warnings

import numpy as np
import tensorflow as tf
from ai_edge_litert.compiled_model import CompiledModel
from ai_edge_litert.interpreter import Interpreter

rng = np.random.default_rng(0)
x = rng.normal(size=(3, 4)).astype(np.float32)
weights = [rng.normal(size=s).astype(np.float32) for s in [(4, 8), (8,), (8, 2), (2,)]]

model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(8, activation="relu"),
                             tf.keras.layers.Dense(2)])
model.set_weights(weights)
eager = model(x).numpy()
model.export("mlp_savedmodel", verbose=False)
flatbuffer = tf.lite.TFLiteConverter.from_saved_model("mlp_savedmodel").convert()
print(f"converted with TensorFlow {tf.__version__}: {len(flatbuffer)} bytes")

def run_interpreter(interpreter):
    inp, out = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    interpreter.resize_tensor_input(inp["index"], x.shape)       # the .tflite input is (1, 4) by default
    interpreter.allocate_tensors()
    interpreter.set_tensor(inp["index"], x)
    interpreter.invoke()
    return interpreter.get_tensor(out["index"])

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    legacy = run_interpreter(tf.lite.Interpreter(model_content=flatbuffer))
print("tf.lite.Interpreter:", " ".join(str(caught[0].message).split()).split(". ")[0] if caught else "no warning")

litert = run_interpreter(Interpreter(model_content=flatbuffer))    # same API, new package

compiled_model = CompiledModel.from_buffer(flatbuffer)            # CPU by default (XNNPACK)
compiled_model.resize_input_tensor(0, x.shape)
inputs, outputs = compiled_model.create_input_buffers(0), compiled_model.create_output_buffers(0)
inputs[0].write(x)
compiled_model.run_by_index(0, inputs, outputs)
compiled = outputs[0].read(x.shape[0] * 2, np.float32).reshape(-1, 2)

print("LiteRT CompiledModel:", compiled.tolist())
agree = all(np.allclose(a, compiled, atol=1e-6) for a in (legacy, litert))
print("all three runtimes agree:", agree)
match = bool(np.allclose(compiled, eager, atol=1e-5))
print("LiteRT output matches eager:", match)

RESULT = {"litert": compiled.tolist(), "matches_eager": match}
