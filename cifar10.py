# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""The CIFAR-10 model: its inputs, network, loss and training step.

How the scripts use it:

  images, labels = distorted_inputs()     # training batches (inputs() to
                                          # evaluate)
  logits = inference(images)              # the network
  total_loss = loss(logits, labels)       # cross-entropy + weight decay
  train_op = train(total_loss, global_step)

`maybe_download_and_extract()` fetches the data set first (or writes the
synthetic one for --fake_data). The network is two convolutional layers,
each with max pooling and local response normalization, then two fully
connected layers and a linear layer of NUM_CLASSES logits: 1,068,298
parameters. Its variables live on the CPU, made with `get_variable` so that
the towers of cifar10_multi_gpu_train.py share them.
"""

import os
import re

import numpy as np
import tensorflow as tf

import cifar10_input
# The data set's dimensions, as the model and the scripts refer to them.
from cifar10_input import IMAGE_SIZE  # pylint: disable=unused-import
from cifar10_input import NUM_CLASSES
from cifar10_input import NUM_EXAMPLES_PER_EPOCH_FOR_EVAL  # pylint: disable=unused-import
from cifar10_input import NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN  # pylint: disable=unused-import
import cifar10_prepare
import cifar10_summaries

FLAGS = tf.compat.v1.flags.FLAGS

# The data set: the binary tarball (170,052,171 bytes) and its MD5.
DATA_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz'
DATA_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530'
EXTRACTED_DIRNAME = cifar10_input.CIFAR10_FOLDER
FAKE_DATA_DIRNAME = cifar10_input.FAKE_DATA_FOLDER
# With --dataset=cifar100.
CIFAR100_DATA_URL = 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz'
CIFAR100_DATA_MD5 = '03b5dce01913d631647c71ecec9e9cb8'

# Flags of the model and its data.
tf.compat.v1.flags.DEFINE_integer(
    'batch_size', 128, 'Images in each batch.', lower_bound=1)
tf.compat.v1.flags.DEFINE_string(
    'data_dir', '/tmp/cifar10_data',
    'Folder of the data set: the downloaded tarball and the folder it '
    'unpacks to (cifar-10-batches-bin, or cifar-100-binary), or a folder '
    'that holds record files itself, such as cifar10-make-records writes.')
tf.compat.v1.flags.DEFINE_boolean(
    'use_fp16', False,
    'Build the whole model, variables included, in float16.')
tf.compat.v1.flags.DEFINE_enum(
    'mixed_precision', None, ['bfloat16', 'float16'],
    'Run the convolutions and matrix products in this 16-bit type, keeping '
    'variables, moving averages, normalization and the loss in float32. '
    'float16 also scales the loss (by LOSS_SCALE) so that small gradients '
    'survive. Off by default; pays off only where the hardware has fast '
    '16-bit arithmetic (README, Speed).')
tf.compat.v1.flags.register_multi_flags_validator(
    ['use_fp16', 'mixed_precision'],
    lambda flags: not (flags['use_fp16'] and flags['mixed_precision']),
    message='--use_fp16 (everything in float16) and --mixed_precision exclude '
    'each other: pass one of them')
tf.compat.v1.flags.DEFINE_boolean(
    'fast_lrn', True,
    'Compute norm1 and norm2, and their gradients, from products with a '
    'banded matrix (band_lrn) rather than with TensorFlow\'s LRN and LRNGrad '
    'kernels: the same values, several times faster on a CPU.')
tf.compat.v1.flags.DEFINE_boolean(
    'fake_data', False,
    'Train and evaluate on synthetic, learnable CIFAR-format files, written '
    'once into DATA_DIR/%s, instead of the real data set: an offline demo.'
    % FAKE_DATA_DIRNAME)
tf.compat.v1.flags.DEFINE_string(
    'data_url', None,
    'Where the binary tarball comes from: an http(s) or file:// URL, or the '
    'path of a local copy. Default: the data set\'s own (DATA_URL, or '
    'CIFAR100_DATA_URL).')
tf.compat.v1.flags.DEFINE_string(
    'data_md5', None,
    'MD5 digest the downloaded tarball must have. Default: that of the '
    'data set\'s own tarball.')
tf.compat.v1.flags.register_validator(
    'data_md5',
    lambda value: value is None or bool(re.fullmatch('[0-9a-f]{32}', value)),
    message='--data_md5 takes 32 lowercase hexadecimal digits')

# Training schedule and averaging.
MOVING_AVERAGE_DECAY = 0.9999     # Of the shadow weights that eval restores.
NUM_EPOCHS_PER_DECAY = 350.0      # The learning rate drops every this many...
LEARNING_RATE_DECAY_FACTOR = 0.1  # ...epochs, by this factor,
INITIAL_LEARNING_RATE = 0.1       # from this start.

# Under --mixed_precision=float16 the loss is multiplied by this before the
# gradients are taken, and the gradients divided by it after, so that small
# float16 gradients do not round to zero.
LOSS_SCALE = 1024.0

# Op names of tower i start with 'tower_i/'; summary tags leave it out, so
# that TensorBoard shows the same names whatever the number of towers.
TOWER_NAME = 'tower'


def _activation_summary(x):
  """Summarizes a layer's output: a histogram, and its share of zeros.

  Tagged `<layer>/activations` and `<layer>/sparsity`, by the last part of
  the op name, so a tower's `tower_0/` and the repeated scope drop out.

  Args:
    x: The layer's output Tensor.
  """
  layer = x.op.name.split('/')[-1]
  cifar10_summaries.histogram(layer + '/activations', x)
  cifar10_summaries.scalar(layer + '/sparsity', tf.nn.zero_fraction(x))


def _dtype():
  """The type of the variables and activations: float16 with --use_fp16."""
  return tf.float16 if FLAGS.use_fp16 else tf.float32


def _compute(x):
  """`x` in the type of the convolutions and matrix products."""
  if FLAGS.mixed_precision:
    return tf.cast(x, FLAGS.mixed_precision)
  return x


def _from_compute(x):
  """A convolution's or product's result, back in the model's type."""
  return tf.cast(x, _dtype())


def _variable_on_cpu(name, shape, initializer):
  """Gets or creates a model variable, kept in the CPU's memory.

  Args:
    name: Its name within the current variable scope.
    shape: List of ints.
    initializer: Its initializer.

  Returns:
    The variable, of the model's dtype.
  """
  with tf.device('/cpu:0'):
    return tf.compat.v1.get_variable(name, shape, initializer=initializer,
                                     dtype=_dtype())


def _variable_with_weight_decay(name, shape, stddev, wd):
  """Gets or creates weights, initialized at random, perhaps decayed.

  Args:
    name: Its name within the current variable scope.
    shape: List of ints.
    stddev: The initial values are drawn from a normal distribution of this
      standard deviation, redrawn beyond two deviations.
    wd: If not None, `wd * l2_loss(var)` joins the `losses` collection, and
      so the total loss.

  Returns:
    The variable.
  """
  initializer = tf.compat.v1.truncated_normal_initializer(stddev=stddev,
                                                          dtype=_dtype())
  var = _variable_on_cpu(name, shape, initializer)
  if wd is not None:
    decay = tf.multiply(tf.nn.l2_loss(var), wd, name='weight_loss')
    tf.compat.v1.add_to_collection('losses', decay)
  return var


def holds_own_records(folder):
  """Whether `folder` holds CIFAR-10-format record files itself, as
  cifar10-make-records writes them, rather than a data set to unpack."""
  return any(tf.io.gfile.exists(os.path.join(folder, name))
             for name in cifar10_input.TRAIN_FILES + cifar10_input.TEST_FILES)


def data_dir():
  """The folder of record files the flags select.

  With --fake_data, that is the synthetic folder, written first if absent;
  with --dataset=cifar100, cifar-100-binary; a --data_dir that holds record
  files itself is that folder.
  """
  cifar10_prepare.check_folder_flag('data_dir', FLAGS.data_dir)
  if FLAGS.fake_data and FLAGS.dataset != 'cifar10':
    raise cifar10_prepare.UserError(
        '--fake_data writes CIFAR-10 files only: drop --dataset=%s, or '
        '--fake_data' % FLAGS.dataset)
  if FLAGS.dataset == 'cifar100':
    return os.path.join(FLAGS.data_dir, cifar10_input.CIFAR100_FOLDER)
  if not FLAGS.fake_data and holds_own_records(FLAGS.data_dir):
    return FLAGS.data_dir
  if FLAGS.fake_data:
    try:
      return cifar10_input.write_fake_data(
          os.path.join(FLAGS.data_dir, FAKE_DATA_DIRNAME))
    except (OSError, tf.errors.OpError) as e:
      raise cifar10_prepare.DataError(
          'cannot write the synthetic data into --data_dir=%s (%s): point '
          '--data_dir at a folder you can write to'
          % (FLAGS.data_dir, cifar10_prepare.one_line(e)))
  return os.path.join(FLAGS.data_dir, EXTRACTED_DIRNAME)


def class_names():
  """The names of the classes of the selected data, in label order."""
  return cifar10_input.read_class_names(data_dir())


def num_classes():
  """The number of classes, and of logits: NUM_CLASSES for CIFAR-10, 100 or
  20 for CIFAR-100 (--label), as many as batches.meta.txt names for a
  folder of cifar10-make-records."""
  return len(class_names())


def distorted_inputs():
  """Training batches from --data_dir (see `cifar10_input.distorted_inputs`).

  Returns:
    images: Tensor [batch_size, IMAGE_SIZE, IMAGE_SIZE, 3], float16 with
      --use_fp16, else float32.
    labels: int32 Tensor [batch_size].

  Raises:
    cifar10_input.DataError: the data files are missing or malformed.
  """
  images, labels = cifar10_input.distorted_inputs(
      data_dir=data_dir(), batch_size=FLAGS.batch_size,
      num_classes=num_classes())
  return tf.cast(images, _dtype()), labels


def inputs(eval_data, num_epochs=None):
  """Evaluation batches from --data_dir (see `cifar10_input.inputs`).

  Args:
    eval_data: True for the test file, False for the training files.
    num_epochs: None to cycle forever; 1 to read each record exactly once.

  Returns:
    images: Tensor [batch_size, IMAGE_SIZE, IMAGE_SIZE, 3], float16 with
      --use_fp16, else float32.
    labels: int32 Tensor [batch_size].

  Raises:
    cifar10_input.DataError: the data files are missing or malformed.
  """
  images, labels = cifar10_input.inputs(eval_data=eval_data,
                                        data_dir=data_dir(),
                                        batch_size=FLAGS.batch_size,
                                        num_epochs=num_epochs,
                                        num_classes=num_classes())
  return tf.cast(images, _dtype()), labels


def band_lrn(x, depth_radius, bias, alpha, beta, name=None):
  """Local response normalization, as `tf.nn.lrn` computes it, from products.

  For `y = x * d ** -beta` with `d = bias + alpha * S(x * x)`, where `S` sums
  each channel's window of `depth_radius` channels on either side, the
  gradient is

    dx = dy * d ** -beta - 2 * alpha * beta * x * S(dy * y / d)

  which is what the LRNGrad kernel computes. `S` is a product with a banded
  0/1 matrix, which oneDNN and cuBLAS do fast, while the CPU kernels walk
  each window element by element; and the gradient reuses the forward pass's
  `d` and `d ** -beta` instead of computing them again.

  Args:
    x: Tensor [batch, height, width, depth] of floats; depth known.
    depth_radius, bias, alpha, beta: As for `tf.nn.lrn`.
    name: Name of the output op.

  Returns:
    Tensor of the shape and dtype of `x`.
  """
  depth = x.shape[-1]
  channel = np.arange(depth)
  band = tf.constant(abs(channel[:, None] - channel[None, :]) <= depth_radius,
                     dtype=x.dtype)

  def window_sum(t):
    return tf.reshape(tf.matmul(tf.reshape(t, [-1, depth]), band),
                      tf.shape(t))

  @tf.custom_gradient
  def normalize(x):
    d = bias + alpha * window_sum(tf.square(x))
    if beta == 0.75:  # The tutorial's: two square roots beat a general power.
      scale = tf.math.rsqrt(d) * tf.math.rsqrt(tf.sqrt(d))
    else:
      scale = tf.pow(d, -beta)
    y = x * scale

    def grad(dy):
      return dy * scale - (2.0 * alpha * beta) * x * window_sum(dy * y / d)

    return y, grad

  with tf.compat.v1.name_scope(name, 'BandLRN', [x]) as scope:
    return tf.identity(normalize(x), name=scope)


def _conv_layer(name, inputs, shape, bias):
  """A 5x5 convolution, stride 1, with a bias and a ReLU, in scope `name`.

  Args:
    name: Scope and layer name ('conv1').
    inputs: Tensor [batch, height, width, shape[2]].
    shape: Kernel shape [5, 5, in_depth, out_depth].
    bias: Initial value of the biases.

  Returns:
    Tensor [batch, height, width, shape[3]].
  """
  with tf.compat.v1.variable_scope(name) as scope:
    kernel = _variable_with_weight_decay('weights', shape, stddev=5e-2,
                                         wd=None)
    biases = _variable_on_cpu('biases', shape[-1:],
                              tf.compat.v1.constant_initializer(bias))
    features = _from_compute(tf.nn.conv2d(_compute(inputs), _compute(kernel),
                                          strides=1, padding='SAME'))
    out = tf.nn.relu(tf.nn.bias_add(features, biases), name=scope.name)
  _activation_summary(out)
  return out


def _fully_connected(name, inputs, units, stddev, wd, bias, relu=True):
  """A fully connected layer in scope `name`, optionally with a ReLU.

  Args:
    name: Scope and layer name ('local3').
    inputs: Tensor [batch, n] with n known.
    units: Outputs per example.
    stddev: Standard deviation of the initial weights.
    wd: Weight decay factor, or None.
    bias: Initial value of the biases.
    relu: Whether a ReLU follows (False for the logits).

  Returns:
    Tensor [batch, units].
  """
  with tf.compat.v1.variable_scope(name) as scope:
    weights = _variable_with_weight_decay(
        'weights', [inputs.shape[-1], units], stddev=stddev, wd=wd)
    biases = _variable_on_cpu('biases', [units],
                              tf.compat.v1.constant_initializer(bias))
    product = _from_compute(tf.matmul(_compute(inputs), _compute(weights)))
    if relu:
      out = tf.nn.relu(product + biases, name=scope.name)
    else:
      out = tf.add(product, biases, name=scope.name)
  _activation_summary(out)
  return out


def _lrn(inputs, name):
  """Local response normalization with the tutorial's constants."""
  settings = dict(depth_radius=4, bias=1.0, alpha=0.001 / 9.0, beta=0.75,
                  name=name)
  if FLAGS.fast_lrn and inputs.shape[-1] is not None:
    return band_lrn(inputs, **settings)
  return tf.nn.lrn(inputs, **settings)


def _max_pool(inputs, name):
  """3x3 max pooling, stride 2: halves height and width."""
  return tf.nn.max_pool2d(inputs, ksize=3, strides=2, padding='SAME',
                          name=name)


def inference(images):
  """The network: images in, logits out.

  Edit here to try another architecture; checkpoints of the old one will
  then no longer load.

  Args:
    images: Tensor [batch, IMAGE_SIZE, IMAGE_SIZE, 3], from
      `distorted_inputs()` or `inputs()`.

  Returns:
    Logits, Tensor [batch, NUM_CLASSES], before any softmax.
  """
  conv1 = _conv_layer('conv1', images, [5, 5, 3, 64], bias=0.0)
  pool1 = _max_pool(conv1, 'pool1')
  norm1 = _lrn(pool1, 'norm1')

  conv2 = _conv_layer('conv2', norm1, [5, 5, 64, 64], bias=0.1)
  norm2 = _lrn(conv2, 'norm2')
  pool2 = _max_pool(norm2, 'pool2')

  # 6 * 6 * 64 = 2,304 features an image; the batch size may vary.
  features = int(np.prod(pool2.shape[1:]))
  flat = tf.reshape(pool2, [-1, features])
  local3 = _fully_connected('local3', flat, 384, stddev=0.04, wd=0.004,
                            bias=0.1)
  local4 = _fully_connected('local4', local3, 192, stddev=0.04, wd=0.004,
                            bias=0.1)
  # Plain logits: the loss applies the softmax itself, in a stabler form.
  return _fully_connected('softmax_linear', local4, num_classes(),
                          stddev=1 / 192.0, wd=None, bias=0.0, relu=False)


def loss(logits, labels):
  """The objective: mean cross-entropy of the batch plus the weight decay.

  The mean cross-entropy joins the `losses` collection, beside the decay
  terms that `inference()` put there; their sum is the total loss.

  Args:
    logits: Tensor [batch, NUM_CLASSES] from `inference()`.
    labels: int Tensor [batch] of class indices.

  Returns:
    Scalar Tensor `total_loss`.
  """
  per_example = tf.nn.sparse_softmax_cross_entropy_with_logits(
      labels=tf.cast(labels, tf.int64), logits=logits,
      name='cross_entropy_per_example')
  tf.compat.v1.add_to_collection(
      'losses', tf.reduce_mean(per_example, name='cross_entropy'))
  return tf.add_n(tf.compat.v1.get_collection('losses'), name='total_loss')


def add_loss_summaries(total_loss, scope=None):
  """Smooths each loss with a moving average, and summarizes both forms.

  Each loss of the `losses` collection, and the total, is shown raw as
  `<name> (raw)` and averaged (decay 0.9) as `<name>`.

  Args:
    total_loss: The Tensor from `loss()` or a tower's total.
    scope: Only the losses made under this name scope (one tower's); all
      when None.

  Returns:
    The op that updates the averages; run it with every step.
  """
  averages = tf.compat.v1.train.ExponentialMovingAverage(0.9, name='avg')
  losses = tf.compat.v1.get_collection('losses', scope) + [total_loss]
  tracked = {}
  for tensor in losses:
    # A tower's total has an op name such as 'tower_0/total_loss_1'.
    if tensor is total_loss:
      tag = 'total_loss'
    else:
      tag = re.sub('%s_[0-9]*/' % TOWER_NAME, '', tensor.op.name)
    if tensor.op.name != tag:
      # Renamed as one device names it, outside any tower, so that its
      # average is checkpointed as `<tag>/avg` whatever the trainer and the
      # number of towers: a checkpoint then resumes in any of them.
      with tf.compat.v1.get_default_graph().name_scope(None):
        tensor = tf.identity(tensor, name=tag)
    tracked[tag] = tensor
  update = averages.apply(list(tracked.values()))
  for tag, tensor in tracked.items():
    cifar10_summaries.scalar(tag + ' (raw)', tensor)
    cifar10_summaries.scalar(tag, averages.average(tensor))
  return update


def learning_rate(global_step):
  """The step-wise schedule: 0.1, divided by ten every 350 epochs.

  Args:
    global_step: The global step variable.

  Returns:
    Scalar float32 Tensor, summarized as `learning_rate`.
  """
  steps_per_epoch = (cifar10_input.epoch_size(data_dir()) /
                     FLAGS.batch_size)
  rate = tf.compat.v1.train.exponential_decay(
      INITIAL_LEARNING_RATE, global_step,
      decay_steps=int(steps_per_epoch * NUM_EPOCHS_PER_DECAY),
      decay_rate=LEARNING_RATE_DECAY_FACTOR, staircase=True)
  cifar10_summaries.scalar('learning_rate', rate)
  return rate


def add_variable_histograms(grads):
  """Histograms of every trainable variable and of each gradient.

  Args:
    grads: List of (gradient, variable) pairs.
  """
  for var in tf.compat.v1.trainable_variables():
    cifar10_summaries.histogram(var.op.name, var)
  for grad, var in grads:
    if grad is not None:
      cifar10_summaries.histogram(var.op.name + '/gradients', grad)


def compute_gradients(opt, total_loss):
  """The (gradient, variable) pairs of `total_loss`, loss-scaled if need be.

  Under --mixed_precision=float16 the gradients are taken of the loss times
  LOSS_SCALE and divided by it again: the same values, without small ones
  rounding to zero in float16.

  Args:
    opt: The optimizer.
    total_loss: Scalar loss Tensor.

  Returns:
    List of (gradient, variable) pairs, as `opt.compute_gradients` gives.
  """
  if FLAGS.mixed_precision != 'float16':
    return opt.compute_gradients(total_loss)
  scaled = opt.compute_gradients(total_loss * LOSS_SCALE)
  return [(None if grad is None else grad / LOSS_SCALE, var)
          for grad, var in scaled]


def apply_and_average(grads, global_step, lr):
  """One gradient-descent update, then the variables' moving averages.

  `train()` and the multi-tower trainer both end with it, so the two update
  the model identically.

  Args:
    grads: List of (gradient, variable) pairs.
    global_step: The global step variable; incremented once.
    lr: Learning rate Tensor.

  Returns:
    The training op.
  """
  descend = tf.compat.v1.train.GradientDescentOptimizer(lr).apply_gradients(
      grads, global_step=global_step)
  add_variable_histograms(grads)
  # Shadow copies of the weights, averaged over recent steps: evaluation
  # restores these. num_updates lets the early averages move faster.
  shadows = tf.compat.v1.train.ExponentialMovingAverage(MOVING_AVERAGE_DECAY,
                                                        global_step)
  with tf.control_dependencies([descend]):
    return shadows.apply(tf.compat.v1.trainable_variables())


def train(total_loss, global_step):
  """The op of one training step of the whole model.

  It updates the loss averages, computes the gradients, takes a step of
  plain gradient descent at `learning_rate(global_step)` and updates the
  variables' moving averages.

  Args:
    total_loss: The Tensor from `loss()`.
    global_step: The global step variable.

  Returns:
    The training op.
  """
  lr = learning_rate(global_step)
  with tf.control_dependencies([add_loss_summaries(total_loss)]):
    grads = compute_gradients(
        tf.compat.v1.train.GradientDescentOptimizer(lr), total_loss)
  return apply_and_average(grads, global_step, lr)


def maybe_download_and_extract():
  """Puts the data set in --data_dir, unless it is there already.

  Downloads from --data_url (checked against --data_md5) and extracts; a
  tarball already present with the right digest needs no network. With
  --fake_data, writes the synthetic files instead.

  Raises:
    cifar10_input.DataError: the download failed, does not match, or the
      archive is unsafe or holds no cifar-10-batches-bin.
  """
  folder = data_dir()  # Writes the synthetic files with --fake_data.
  if FLAGS.fake_data or folder == FLAGS.data_dir:
    return
  if FLAGS.dataset == 'cifar100':
    url, md5 = CIFAR100_DATA_URL, CIFAR100_DATA_MD5
  else:
    url, md5 = DATA_URL, DATA_MD5
  if FLAGS.data_url:
    url = FLAGS.data_url
  cifar10_prepare.download_and_extract(FLAGS.data_dir, url,
                                       FLAGS.data_md5 or md5,
                                       os.path.basename(folder))
