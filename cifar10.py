# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""The CIFAR-10 model: its inputs, network, loss and training step.

How the scripts use it:

  maybe_download_and_extract()            # the data, once
  data = data_set()                       # its folder, classes, epoch size
  images, labels = distorted_inputs(data) # training; inputs() for eval
  logits = inference(images, data.num_classes)  # the network
  total_loss = loss(logits, labels)       # cross-entropy + weight decay
  train_op = train(total_loss, global_step, data.train_examples)

The first two touch the disk, and the input functions check the record
files before any queue reads them; building the model reads and writes no
file, and `inference(images)` alone builds CIFAR-10's ten logits. The
network is two convolutional layers, each with max pooling and local
response normalization, then two fully connected layers and a linear layer
of NUM_CLASSES logits: 1,068,298 parameters. Its variables live on the
CPU, made with `get_variable` so that the towers of
cifar10_multi_gpu_train.py share them.
"""

import collections
import os
import re
import zlib

import numpy as np
import tensorflow as tf

import cifar10_data
import cifar10_fast_lrn
import cifar10_input

# The data set's dimensions, as the model and the scripts refer to them.
IMAGE_SIZE = cifar10_input.IMAGE_SIZE
NUM_CLASSES = cifar10_input.NUM_CLASSES
NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN = (
    cifar10_input.NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN)
NUM_EXAMPLES_PER_EPOCH_FOR_EVAL = cifar10_input.NUM_EXAMPLES_PER_EPOCH_FOR_EVAL

FLAGS = tf.compat.v1.flags.FLAGS

# The data set: the binary tarball (170,052,171 bytes) and its MD5.
DATA_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz'
DATA_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530'
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
tf.compat.v1.flags.DEFINE_string(
    'data_url', None,
    'Where the binary tarball comes from: an http(s) or file:// URL, or the '
    'path of a local copy. Default: the data set\'s own (DATA_URL, or '
    'CIFAR100_DATA_URL with --dataset=cifar100).')
tf.compat.v1.flags.DEFINE_string(
    'data_md5', None, 'MD5 digest the downloaded tarball must have. Default: '
    'that of the data set\'s own (DATA_MD5, or CIFAR100_DATA_MD5).')
tf.compat.v1.flags.register_validator(
    'data_md5',
    lambda value: value is None or bool(re.fullmatch('[0-9a-f]{32}', value)),
    message='--data_md5 takes 32 lowercase hexadecimal digits')
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
    'Compute norm1 and norm2, and their gradients, with cifar10_fast_lrn.py '
    '(products with a banded matrix) rather than with tf.nn.lrn: the same '
    'values, faster on a CPU. --nofast_lrn runs the tutorial\'s op.')

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


def _scalar_summary(tag, value):
  """A scalar summary tagged exactly `tag` (the v1 op adds the name scope and
  turns 'total_loss (raw)' into 'total_loss__raw_')."""
  tf.compat.v1.add_to_collection(
      tf.compat.v1.GraphKeys.SUMMARIES,
      tf.raw_ops.ScalarSummary(tags=tag, values=value))


def _histogram_summary(tag, values):
  """A histogram summary tagged exactly `tag`. Running it fails with 'Nan in
  summary histogram for: <tag>' when a value is not finite: the trainers
  treat that as divergence."""
  tf.compat.v1.add_to_collection(
      tf.compat.v1.GraphKeys.SUMMARIES,
      tf.raw_ops.HistogramSummary(tag=tag, values=values))


def _activation_summary(x):
  """Summarizes a layer's output `x`: a histogram, and its share of zeros.

  Tagged `<layer>/activations` and `<layer>/sparsity`, by the last part of
  the op name, so a tower's `tower_0/` and the repeated scope drop out.
  """
  layer = x.op.name.split('/')[-1]
  _histogram_summary(layer + '/activations', x)
  _scalar_summary(layer + '/sparsity', tf.nn.zero_fraction(x))


def _dtype():
  """The type of the variables and activations: float16 with --use_fp16."""
  return tf.float16 if FLAGS.use_fp16 else tf.float32


# Under --mixed_precision, convolutions and products take their inputs in
# the 16-bit type and give their results back in the model's type.
def _compute(x):
  return tf.cast(x, FLAGS.mixed_precision) if FLAGS.mixed_precision else x


def _from_compute(x):
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
  # Under --seed, a seed of its own from the variable's full name: a layer
  # starts from the same weights whatever is added before it.
  full_name = tf.compat.v1.get_variable_scope().name + '/' + name
  seed = (None if tf.compat.v1.get_default_graph().seed is None
          else zlib.crc32(full_name.encode()))
  initializer = tf.compat.v1.truncated_normal_initializer(
      stddev=stddev, seed=seed, dtype=_dtype())
  var = _variable_on_cpu(name, shape, initializer)
  if wd is not None:
    decay = tf.multiply(tf.nn.l2_loss(var), wd, name='weight_loss')
    tf.compat.v1.add_to_collection('losses', decay)
  return var


# The data the flags select, as a command works it out once (`data_set()`):
# its folder of record files, the class names in label order, their number
# (the logits: 10 for CIFAR-10, 100 or 20 for CIFAR-100, as many as
# batches.meta.txt names for your own records), and the examples in a
# training epoch.
DataSet = collections.namedtuple(
    'DataSet', ['folder', 'class_names', 'num_classes', 'train_examples'])


def data_set():
  """Works out the data the flags select, once, at a command's start.

  With --fake_data, writes the synthetic files first, unless they are there.

  Returns:
    A DataSet.
  """
  folder = cifar10_data.record_folder(FLAGS.data_dir, FLAGS.dataset,
                                      FLAGS.fake_data)
  if FLAGS.fake_data:
    cifar10_data.write_fake_data_into(FLAGS.data_dir)
  names = cifar10_data.read_class_names(folder)
  return DataSet(folder, names, len(names), cifar10_input.epoch_size(folder))


def class_names():
  """The class names of the data the flags select, in label order, as its
  folder lists them (or the data set's own): all that cifar10-predict and
  cifar10-export need of the data. Reads no record and writes nothing."""
  return cifar10_data.read_class_names(cifar10_data.record_folder(
      FLAGS.data_dir, FLAGS.dataset, FLAGS.fake_data))


def distorted_inputs(data):
  """Training batches of a DataSet (see `cifar10_input.distorted_inputs`).

  Returns:
    images: Tensor [batch_size, IMAGE_SIZE, IMAGE_SIZE, 3] of the model's
      type (float16 with --use_fp16).
    labels: int32 Tensor [batch_size].
  """
  images, labels = cifar10_input.distorted_inputs(
      data_dir=data.folder, batch_size=FLAGS.batch_size,
      num_classes=data.num_classes, deterministic=FLAGS.deterministic)
  return tf.cast(images, _dtype()), labels


def inputs(eval_data, data, num_epochs=None):
  """Evaluation batches of a DataSet (see `cifar10_input.inputs`).

  Args:
    eval_data: True for the test file, False for the training files.
    data: The DataSet.
    num_epochs: None to cycle forever; 1 to read each record exactly once.

  Returns:
    images: Tensor [batch_size, IMAGE_SIZE, IMAGE_SIZE, 3] of the model's
      type.
    labels: int32 Tensor [batch_size].
  """
  images, labels = cifar10_input.inputs(
      eval_data=eval_data, data_dir=data.folder, batch_size=FLAGS.batch_size,
      num_epochs=num_epochs, num_classes=data.num_classes)
  return tf.cast(images, _dtype()), labels


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


def _max_pool(inputs, name):
  """3x3 max pooling, stride 2: halves height and width."""
  return tf.nn.max_pool2d(inputs, ksize=3, strides=2, padding='SAME',
                          name=name)


def inference(images, num_classes=NUM_CLASSES):
  """The network: images in, logits out.

  Edit here to try another architecture; checkpoints of the old one will
  then no longer load.

  Args:
    images: Tensor [batch, IMAGE_SIZE, IMAGE_SIZE, 3], from
      `distorted_inputs()` or `inputs()`.
    num_classes: Logits an image: the data set's classes.

  Returns:
    Logits, Tensor [batch, num_classes], before any softmax.
  """
  # Local response normalization: TensorFlow's op, or the same values from
  # products with a banded matrix, faster on a CPU (--fast_lrn).
  lrn = cifar10_fast_lrn.band_lrn if FLAGS.fast_lrn else tf.nn.lrn

  conv1 = _conv_layer('conv1', images, [5, 5, 3, 64], bias=0.0)
  pool1 = _max_pool(conv1, 'pool1')
  norm1 = lrn(pool1, depth_radius=4, bias=1.0, alpha=0.001 / 9.0, beta=0.75,
              name='norm1')

  conv2 = _conv_layer('conv2', norm1, [5, 5, 64, 64], bias=0.1)
  norm2 = lrn(conv2, depth_radius=4, bias=1.0, alpha=0.001 / 9.0, beta=0.75,
              name='norm2')
  pool2 = _max_pool(norm2, 'pool2')

  # 6 * 6 * 64 = 2,304 features an image; the batch size may vary.
  features = int(np.prod(pool2.shape[1:]))
  flat = tf.reshape(pool2, [-1, features])
  local3 = _fully_connected('local3', flat, 384, stddev=0.04, wd=0.004,
                            bias=0.1)
  local4 = _fully_connected('local4', local3, 192, stddev=0.04, wd=0.004,
                            bias=0.1)
  # Plain logits: the loss applies the softmax itself, in a stabler form.
  return _fully_connected('softmax_linear', local4, num_classes,
                          stddev=1 / 192.0, wd=None, bias=0.0, relu=False)


def classify(pixels, num_classes=NUM_CLASSES):
  """Images in, probabilities out: the model as cifar10_predict.py and the
  exported model run it.

  Each image gets evaluation's preprocessing (`preprocess_for_eval`, as
  cifar10_eval.py's `inputs()` give it) and `inference()`; a softmax turns
  the logits into probabilities.

  Args:
    pixels: uint8 Tensor [N, 32, 32, 3].
    num_classes: Classes of the data set.

  Returns:
    probabilities: float32 Tensor [N, num_classes].
    averages: {name in a checkpoint: variable}: restore it so that the
      network computes with the moving averages, as evaluation does.
  """
  images = tf.map_fn(cifar10_input.preprocess_for_eval, pixels,
                     fn_output_signature=tf.float32)
  logits = inference(tf.cast(images, _dtype()), num_classes)
  probabilities = tf.nn.softmax(tf.cast(logits, tf.float32))
  averages = tf.compat.v1.train.ExponentialMovingAverage(
      MOVING_AVERAGE_DECAY).variables_to_restore()
  return probabilities, averages


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
    tag = ('total_loss' if tensor is total_loss else
           re.sub('%s_[0-9]*/' % TOWER_NAME, '', tensor.op.name))
    if tensor.op.name != tag:
      # Renamed as one device names it, outside any tower, so that its
      # average is checkpointed as `<tag>/avg` whatever the trainer and the
      # number of towers: a checkpoint then resumes in any of them.
      with tf.compat.v1.get_default_graph().name_scope(None):
        tensor = tf.identity(tensor, name=tag)
    tracked[tag] = tensor
  update = averages.apply(list(tracked.values()))
  for tag, tensor in tracked.items():
    _scalar_summary(tag + ' (raw)', tensor)
    _scalar_summary(tag, averages.average(tensor))
  return update


def learning_rate(global_step,
                  examples_per_epoch=NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN):
  """The step-wise schedule: 0.1, divided by ten every 350 epochs.

  Args:
    global_step: The global step variable.
    examples_per_epoch: Examples in a training epoch of the data.

  Returns:
    Scalar float32 Tensor, summarized as `learning_rate`.
  """
  steps_per_epoch = examples_per_epoch / FLAGS.batch_size
  rate = tf.compat.v1.train.exponential_decay(
      INITIAL_LEARNING_RATE, global_step,
      decay_steps=int(steps_per_epoch * NUM_EPOCHS_PER_DECAY),
      decay_rate=LEARNING_RATE_DECAY_FACTOR, staircase=True)
  _scalar_summary('learning_rate', rate)
  return rate


def add_variable_histograms(grads):
  """Histograms of every trainable variable and of each gradient in `grads`,
  a list of (gradient, variable) pairs."""
  for var in tf.compat.v1.trainable_variables():
    _histogram_summary(var.op.name, var)
  for grad, var in grads:
    if grad is not None:
      _histogram_summary(var.op.name + '/gradients', grad)


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


def train(total_loss, global_step,
          examples_per_epoch=NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN):
  """The op of one training step of the whole model.

  It updates the loss averages, computes the gradients, takes a step of
  plain gradient descent at `learning_rate()` and updates the variables'
  moving averages.

  Args:
    total_loss: The Tensor from `loss()`.
    global_step: The global step variable.
    examples_per_epoch: Examples in a training epoch, which set when the
      learning rate drops.

  Returns:
    The training op.
  """
  lr = learning_rate(global_step, examples_per_epoch)
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
    DataError: the download failed or does not match, or the archive is
      unsafe or lacks the data set's folder.
  """
  folder = cifar10_data.record_folder(FLAGS.data_dir, FLAGS.dataset,
                                      FLAGS.fake_data)
  if FLAGS.fake_data:
    cifar10_data.write_fake_data_into(FLAGS.data_dir)
    return
  if folder == FLAGS.data_dir:  # Records of your own: nothing to fetch.
    return
  if FLAGS.dataset == 'cifar100':
    url, md5 = CIFAR100_DATA_URL, CIFAR100_DATA_MD5
  else:
    url, md5 = DATA_URL, DATA_MD5
  cifar10_data.download_and_extract(FLAGS.data_dir, FLAGS.data_url or url,
                                    FLAGS.data_md5 or md5,
                                    os.path.basename(folder))
