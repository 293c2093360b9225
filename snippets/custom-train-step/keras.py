# Keep fit() but write the step: override
# train_step with the backend's autodiff (a
# GradientTape, backward(), or a pure JAX function
# over stateless_call). Loss: MSE + an L2 penalty.
import numpy as np
import keras
from keras import ops

BACKEND = keras.backend.backend()
rng = np.random.default_rng(0)
x = rng.normal(size=(16, 3)).astype("float32")
y = rng.normal(size=(16, 1)).astype("float32")
w0 = rng.normal(size=(3, 1)).astype("float32")
L2 = 0.01


def penalised(y, y_pred, kernel):
    mse = ops.mean(ops.square(y_pred - y))
    return mse + L2 * ops.sum(ops.square(kernel))


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(1)

    def call(self, x):
        return self.dense(x)

    if BACKEND == "tensorflow":
        def train_step(self, data):
            import tensorflow as tf
            x, y = data
            with tf.GradientTape() as tape:
                loss = penalised(y, self(x),
                                 self.dense.kernel)
            vs = self.trainable_variables
            grads = tape.gradient(loss, vs)
            self.optimizer.apply(grads, vs)
            return {"loss": loss}

    elif BACKEND == "torch":
        def train_step(self, data):
            import torch
            x, y = data
            self.zero_grad()
            loss = penalised(y, self(x),
                             self.dense.kernel)
            loss.backward()
            vs = self.trainable_variables
            grads = [v.value.grad for v in vs]
            with torch.no_grad():
                self.optimizer.apply(grads, vs)
            return {"loss": loss}

    else:  # jax: a pure function of the state
        def loss_fn(self, trainable, non_trainable,
                    x, y):
            y_pred, non_trainable = (
                self.stateless_call(
                    trainable, non_trainable, x))
            loss = penalised(y, y_pred,
                             trainable[0])
            return loss, non_trainable

        def train_step(self, state, data):
            import jax
            (trainable, non_trainable,
             opt_vars, metrics) = state
            x, y = data
            grad_fn = jax.value_and_grad(
                self.loss_fn, has_aux=True)
            (loss, non_trainable), grads = grad_fn(
                trainable, non_trainable, x, y)
            trainable, opt_vars = (
                self.optimizer.stateless_apply(
                    opt_vars, grads, trainable))
            state = (trainable, non_trainable,
                     opt_vars, metrics)
            return {"loss": loss}, state


model = Net()
model(x[:1])  # creates the weights
model.set_weights([w0, np.zeros(1, "float32")])
model.compile(optimizer=keras.optimizers.SGD(0.1))
print("backend:", BACKEND)
print("jit_compile='auto' resolved to:",
      model.jit_compile)
model.fit(x, y, batch_size=8, epochs=2,
          shuffle=False, verbose=0)  # 4 steps
kernel, bias = [w.tolist()
                for w in model.get_weights()]
print("kernel after 4 steps:",
      np.round(kernel, 6).ravel().tolist())

RESULT = {"kernel": kernel, "bias": bias}
