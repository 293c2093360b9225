# TensorFlow's own quickstart ("TensorFlow 2 quickstart for beginners"), as published, with random arrays of MNIST's
# shape in place of the downloaded dataset (no network, a few seconds on a CPU). `model.fit` prints Keras' progress
# bar, colours included: TensorFlow's high-level API is Keras.
import numpy as np
import tensorflow as tf

print("TensorFlow version:", tf.__version__)

N_TRAIN, N_TEST, EPOCHS = 256, 64, 2
tf.keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
# in the tutorial: (x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train, y_train = rng.integers(0, 256, (N_TRAIN, 28, 28)), rng.integers(0, 10, N_TRAIN)
x_test, y_test = rng.integers(0, 256, (N_TEST, 28, 28)), rng.integers(0, 10, N_TEST)
x_train, x_test = x_train / 255.0, x_test / 255.0

model = tf.keras.models.Sequential([
  tf.keras.layers.Input(shape=(28, 28)),  # the tutorial passes input_shape to Flatten, which Keras 3 deprecates
  tf.keras.layers.Flatten(),
  tf.keras.layers.Dense(128, activation='relu'),
  tf.keras.layers.Dropout(0.2),
  tf.keras.layers.Dense(10)
])

predictions = model(x_train[:1]).numpy()
print(predictions.shape)
print(tf.nn.softmax(predictions).numpy().sum())

loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
print(loss_fn(y_train[:1], predictions).numpy())

model.compile(optimizer='adam',
              loss=loss_fn,
              metrics=['accuracy'])

model.fit(x_train, y_train, epochs=EPOCHS)

model.evaluate(x_test,  y_test, verbose=2)

probability_model = tf.keras.Sequential([
  model,
  tf.keras.layers.Softmax()
])

probabilities = probability_model(x_test).numpy()
print(probabilities[:2].round(3))

RESULT = {"train_examples": len(x_train), "test_examples": len(x_test), "epochs": EPOCHS,
          "test_logits_shape": list(probabilities.shape),
          "prediction_is_a_class": bool(0 <= int(probabilities[0].argmax()) < 10)}
