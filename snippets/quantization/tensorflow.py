# Post-training int8 quantization in TensorFlow is done by the TFLite (LiteRT) converter: Optimize.DEFAULT
# plus a representative dataset calibrates static ranges for every activation, giving a full-integer model
# that the LiteRT interpreter (ai_edge_litert; tf.lite.Interpreter is deprecated) runs on int8 kernels.
import numpy as np
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter

rng = np.random.default_rng(0)
x = rng.normal(size=(256, 16)).astype(np.float32)                 # self-made inputs, 4 classes out
shapes = [(16, 64), (64,), (64, 64), (64,), (64, 4), (4,)]
weights = [(rng.normal(size=s) * (np.sqrt(2 / s[0]) if len(s) == 2 else 0.1)).astype(np.float32) for s in shapes]

model = tf.keras.Sequential([tf.keras.Input(shape=(16,)), tf.keras.layers.Dense(64, activation="relu"),
                             tf.keras.layers.Dense(64, activation="relu"), tf.keras.layers.Dense(4)])
model.set_weights(weights)
reference = model(x).numpy()
model.export("mlp_savedmodel", verbose=False)                   # the converter's input: a SavedModel
calibration = rng.normal(size=(200, 16)).astype(np.float32)     # separate draws from the same distribution

def representative_data():                                        # fixes every activation's int8 range
    for row in calibration:
        yield [row[None, :]]

def convert(quantize):
    converter = tf.lite.TFLiteConverter.from_saved_model("mlp_savedmodel")
    if quantize:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = representative_data
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]  # int8 kernels or fail
    return converter.convert()

def run(flatbuffer):
    interpreter = Interpreter(model_content=flatbuffer)
    inp, out = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    interpreter.resize_tensor_input(inp["index"], x.shape)
    interpreter.allocate_tensors()
    interpreter.set_tensor(inp["index"], x)                        # float in, float out: (de)quantize ops
    interpreter.invoke()
    kinds = {d["dtype"].__name__ for d in interpreter.get_tensor_details()}
    return interpreter.get_tensor(out["index"]), kinds

float_model, int8_model = convert(False), convert(True)
quantized, kinds = run(int8_model)
print(f"model size: float {len(float_model)} bytes, int8 {len(int8_model)} bytes; tensor types: {sorted(kinds)}")

error = float(np.abs(quantized - reference).mean() / np.abs(reference).mean())   # relative to typical output
worst = float(np.abs(quantized - reference).max() / np.abs(reference).max())
agreement = float((quantized.argmax(1) == reference.argmax(1)).mean())          # same predicted class
print(f"int8 vs float: mean error {error:.2%}, worst {worst:.2%} (of the output scale); top-1 agreement {agreement:.1%}")

RESULT = {"float": reference[:4].tolist(), "int8_weights": "int8" in kinds,
          "mean_error_below_5pct": error < 0.05, "top1_agreement_above_95pct": agreement > 0.95}
METRICS = {"mean_rel_error": error, "max_rel_error": worst, "top1_agreement": agreement,
           "float_bytes": len(float_model), "int8_bytes": len(int8_model)}
