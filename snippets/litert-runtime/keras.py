# Keras 3: model.export(path, format="litert") writes a .tflite file. On TensorFlow it uses the TFLite
# converter; on PyTorch it needs the litert-torch package (not installed here: that run raises ImportError);
# on JAX there is no LiteRT export in Keras 3.15.1 (that run raises ValueError).
import numpy as np
import keras
from ai_edge_litert.interpreter import Interpreter
from keras import layers

rng = np.random.default_rng(0)
x = rng.normal(size=(3, 4)).astype("float32")
weights = [rng.normal(size=s).astype("float32") for s in [(4, 8), (8,), (8, 2), (2,)]]

model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8, activation="relu"), layers.Dense(2)])
model.set_weights(weights)
eager = keras.ops.convert_to_numpy(model(x))
print("backend:", keras.backend.backend())

model.export("mlp.tflite", format="litert", verbose=False)

interpreter = Interpreter(model_path="mlp.tflite")              # the LiteRT runtime from ai-edge-litert
inp, out = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
interpreter.resize_tensor_input(inp["index"], x.shape)
interpreter.allocate_tensors()
interpreter.set_tensor(inp["index"], x)
interpreter.invoke()
litert = interpreter.get_tensor(out["index"])
print("LiteRT:", litert.tolist())
match = bool(np.allclose(litert, eager, atol=1e-5))
print("LiteRT output matches eager:", match)

RESULT = {"litert": litert.tolist(), "matches_eager": match}
