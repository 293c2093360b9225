# A plain torch.nn module as a Keras layer: Keras
# trains the module's own parameters with fit().
# Only the PyTorch backend can do this.
import numpy as np
import keras
import torch

rng = np.random.default_rng(0)
x = rng.normal(size=(8, 3)).astype("float32")
y = rng.normal(size=(8, 1)).astype("float32")
w1 = rng.normal(size=(4, 3)).astype("float32")
w2 = rng.normal(size=(1, 4)).astype("float32")

module = torch.nn.Sequential(
    torch.nn.Linear(3, 4), torch.nn.Tanh(),
    torch.nn.Linear(4, 1))
with torch.no_grad():  # fixed weights
    module[0].weight.copy_(torch.from_numpy(w1))
    module[0].bias.zero_()
    module[2].weight.copy_(torch.from_numpy(w2))
    module[2].bias.zero_()

print("backend:", keras.backend.backend())
model = keras.Sequential([
    keras.Input((3,)),
    keras.layers.TorchModuleWrapper(module)])
print("Keras tracks the module's parameters:",
      len(model.trainable_weights))
model.compile(keras.optimizers.SGD(0.1), "mse")
# 8 samples, batches of 4: two steps, in order
history = model.fit(x, y, batch_size=4,
                    shuffle=False, verbose=0)

mean_loss = history.history["loss"][0]
weights = [w.tolist() for w in model.get_weights()]
print("mean loss of the 2 steps:",
      round(mean_loss, 6))
print("after 2 SGD steps, first weight row:",
      np.round(weights[0][0], 6).tolist())
# The Keras variables wrap the module's tensors:
# fit() updated the torch module in place.
w = module[0].weight.detach().cpu().numpy()
print("torch module updated in place:",
      np.allclose(w, weights[0])
      and not np.allclose(w, w1))

RESULT = {"loss": mean_loss, "weights": weights}
