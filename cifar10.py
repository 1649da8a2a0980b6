# Copyright 2015 The TensorFlow Authors. All Rights Reserved.
# Copyright 2026 The cifar10 suite authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.
# ==============================================================================

"""Builds the CIFAR-10 network.

Summary of available functions:

 # Compute input images and labels for training. If you would like to run
 # evaluations, use inputs() instead.
 inputs, labels = distorted_inputs()

 # Compute inference on the model inputs to make a prediction.
 predictions = inference(inputs)

 # Compute the total loss of the prediction with respect to the labels.
 loss = loss(predictions, labels)

 # Create a graph to run one step of training with respect to the loss.
 train_op = train(loss, global_step)

 # Fetch the data set (or write the synthetic one) before building inputs.
 maybe_download_and_extract()
"""
# pylint: disable=missing-docstring
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import contextlib
import hashlib
import os
import re
import shutil
import sys
import tarfile
import tempfile

from six.moves import urllib
import numpy as np
import tensorflow as tf

import cifar10_input

FLAGS = tf.compat.v1.flags.FLAGS

# The CIFAR-10 binary tarball (170,052,171 bytes) and its MD5.
DATA_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz'
DATA_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530'

# Basic model parameters.
tf.compat.v1.flags.DEFINE_integer(
    'batch_size', 128, 'Number of images to process in a batch.',
    lower_bound=1)
tf.compat.v1.flags.DEFINE_string(
    'data_dir', '/tmp/cifar10_data',
    'Path to the CIFAR-10 data directory: it holds the downloaded tarball and '
    'the extracted cifar-10-batches-bin folder.')
tf.compat.v1.flags.DEFINE_boolean(
    'use_fp16', False, 'Train the model using fp16.')
tf.compat.v1.flags.DEFINE_boolean(
    'fast_lrn_gradient', True,
    'Compute the gradient of the local response normalizations (norm1, '
    'norm2) with banded matrix products instead of TensorFlow\'s LRNGrad '
    'kernel: the same mathematics, several times faster on CPU. The forward '
    'pass is the LRN op either way.')

# Where the data comes from.
tf.compat.v1.flags.DEFINE_boolean(
    'fake_data', False,
    'Use synthetic, learnable CIFAR-format files written once into '
    'DATA_DIR/%s instead of the real data set: an offline demo.'
    % 'cifar-10-fake-batches-bin')
tf.compat.v1.flags.DEFINE_string(
    'data_url', DATA_URL,
    'Where to download the CIFAR-10 binary tarball from: an http(s) or '
    'file:// URL, or the path of a local copy.')
tf.compat.v1.flags.DEFINE_string(
    'data_md5', DATA_MD5,
    'MD5 checksum that the downloaded tarball must have.')

# Global constants describing the CIFAR-10 data set.
IMAGE_SIZE = cifar10_input.IMAGE_SIZE
NUM_CLASSES = cifar10_input.NUM_CLASSES
NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN = cifar10_input.NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN
NUM_EXAMPLES_PER_EPOCH_FOR_EVAL = cifar10_input.NUM_EXAMPLES_PER_EPOCH_FOR_EVAL


# Constants describing the training process.
MOVING_AVERAGE_DECAY = 0.9999     # The decay to use for the moving average.
NUM_EPOCHS_PER_DECAY = 350.0      # Epochs after which learning rate decays.
LEARNING_RATE_DECAY_FACTOR = 0.1  # Learning rate decay factor.
INITIAL_LEARNING_RATE = 0.1       # Initial learning rate.

# If a model is trained with multiple GPUs, prefix all Op names with tower_name
# to differentiate the operations. Note that this prefix is removed from the
# names of the summaries when visualizing a model.
TOWER_NAME = 'tower'

EXTRACTED_DIRNAME = 'cifar-10-batches-bin'
FAKE_DATA_DIRNAME = 'cifar-10-fake-batches-bin'


def _scalar_summary(tag, value):
  """Adds a scalar summary whose tag is exactly `tag`.

  `tf.compat.v1.summary.scalar` derives the tag from the name scope, so
  inside `variable_scope('conv1')` the tutorial's 'conv1/sparsity' would show
  as 'conv1/conv1/conv1/sparsity', and 'total_loss (raw)' as
  'total_loss__raw_'. The raw op keeps the tutorial's names as written.

  Args:
    tag: The summary tag, as TensorBoard shows it.
    value: Scalar tensor.
  """
  tf.compat.v1.add_to_collection(
      tf.compat.v1.GraphKeys.SUMMARIES,
      tf.raw_ops.ScalarSummary(tags=tag, values=value))


def _histogram_summary(tag, values):
  """Adds a histogram summary whose tag is exactly `tag` (see above)."""
  tf.compat.v1.add_to_collection(
      tf.compat.v1.GraphKeys.SUMMARIES,
      tf.raw_ops.HistogramSummary(tag=tag, values=values))


def _activation_summary(x):
  """Helper to create summaries for activations.

  Creates a summary that provides a histogram of activations.
  Creates a summary that measures the sparsity of activations.

  Args:
    x: Tensor
  Returns:
    nothing
  """
  # Keep only the layer name: drop 'tower_[0-9]/' in case this is a multi-GPU
  # training session, and the variable scope that repeats the layer name
  # ('conv1/conv1'). This helps the clarity of presentation on tensorboard.
  layer_name = x.op.name.split('/')[-1]
  _histogram_summary(layer_name + '/activations', x)
  _scalar_summary(layer_name + '/sparsity', tf.nn.zero_fraction(x))


def _dtype():
  return tf.float16 if FLAGS.use_fp16 else tf.float32


def _variable_on_cpu(name, shape, initializer):
  """Helper to create a Variable stored on CPU memory.

  Args:
    name: name of the variable
    shape: list of ints
    initializer: initializer for Variable

  Returns:
    Variable Tensor
  """
  with tf.device('/cpu:0'):
    var = tf.compat.v1.get_variable(name, shape, initializer=initializer,
                                    dtype=_dtype())
  return var


def _variable_with_weight_decay(name, shape, stddev, wd):
  """Helper to create an initialized Variable with weight decay.

  Note that the Variable is initialized with a truncated normal distribution.
  A weight decay is added only if one is specified.

  Args:
    name: name of the variable
    shape: list of ints
    stddev: standard deviation of a truncated Gaussian
    wd: add L2Loss weight decay multiplied by this float. If None, weight
        decay is not added for this Variable.

  Returns:
    Variable Tensor
  """
  var = _variable_on_cpu(
      name,
      shape,
      tf.compat.v1.truncated_normal_initializer(stddev=stddev, dtype=_dtype()))
  if wd is not None:
    weight_decay = tf.multiply(tf.nn.l2_loss(var), wd, name='weight_loss')
    tf.compat.v1.add_to_collection('losses', weight_decay)
  return var


def data_dir():
  """Returns the folder of record files that the flags select.

  With `--fake_data`, the synthetic files are written there first if absent.
  """
  if FLAGS.fake_data:
    return cifar10_input.write_fake_data(
        os.path.join(FLAGS.data_dir, FAKE_DATA_DIRNAME))
  return os.path.join(FLAGS.data_dir, EXTRACTED_DIRNAME)


def make_output_dir(path, flag_name):
  """Creates a folder that a script will write to, or says why it cannot.

  Called before any work starts, so that a bad --train_dir or --eval_dir
  costs seconds, not a training run.

  Args:
    path: The folder.
    flag_name: The flag that named it, for the message.

  Raises:
    cifar10_input.DataError: the folder cannot be created or written.
  """
  try:
    tf.io.gfile.makedirs(path)
    if '://' not in path:  # Local: prove it is writable.
      tempfile.TemporaryFile(dir=path).close()
  except (OSError, tf.errors.OpError) as e:
    raise cifar10_input.DataError(
        'cannot create --%s=%s (%s): choose a folder you can write to'
        % (flag_name, path, getattr(e, 'message', None) or
           getattr(e, 'strerror', None) or e))


def distorted_inputs():
  """Construct distorted input for CIFAR training using the Reader ops.

  Returns:
    images: Images. 4D tensor of [batch_size, IMAGE_SIZE, IMAGE_SIZE, 3] size.
    labels: Labels. 1D tensor of [batch_size] size.

  Raises:
    cifar10_input.DataError: the data files are missing or malformed.
  """
  images, labels = cifar10_input.distorted_inputs(data_dir=data_dir(),
                                                  batch_size=FLAGS.batch_size)
  if FLAGS.use_fp16:
    images = tf.cast(images, tf.float16)
  return images, labels


def inputs(eval_data, num_epochs=None):
  """Construct input for CIFAR evaluation using the Reader ops.

  Args:
    eval_data: bool, indicating if one should use the train or eval data set.
    num_epochs: None to cycle forever; 1 to read each record exactly once
      (see `cifar10_input.inputs`).

  Returns:
    images: Images. 4D tensor of [batch_size, IMAGE_SIZE, IMAGE_SIZE, 3] size.
    labels: Labels. 1D tensor of [batch_size] size.

  Raises:
    cifar10_input.DataError: the data files are missing or malformed.
  """
  images, labels = cifar10_input.inputs(eval_data=eval_data,
                                        data_dir=data_dir(),
                                        batch_size=FLAGS.batch_size,
                                        num_epochs=num_epochs)
  if FLAGS.use_fp16:
    images = tf.cast(images, tf.float16)
  return images, labels


@tf.RegisterGradient('LRNBandGrad')
def _lrn_band_grad(op, grad):
  """The gradient of an LRN op, from matrix products and elementwise ops.

  For `y = x * d ** -beta` with `d = bias + alpha * S(x * x)`, where `S` sums
  each channel's window of `depth_radius` channels on either side:

    dx = grad * d ** -beta - 2 * alpha * beta * x * S(grad * y / d)

  which is what the LRNGrad kernel computes. `S` is a product with a banded
  0/1 matrix, which oneDNN and cuBLAS do fast, while the CPU LRNGrad kernel
  walks each window element by element.

  Args:
    op: The LRN op.
    grad: The gradient with respect to its output.

  Returns:
    The gradient with respect to its input.
  """
  x, y = op.inputs[0], op.outputs[0]
  radius = op.get_attr('depth_radius')
  bias, alpha, beta = (op.get_attr(name) for name in ('bias', 'alpha', 'beta'))
  depth = x.shape[-1]
  if depth is None:  # The band needs the depth; the kernel does not.
    return tf.raw_ops.LRNGrad(input_grads=grad, input_image=x, output_image=y,
                              depth_radius=radius, bias=bias, alpha=alpha,
                              beta=beta)
  channel = np.arange(depth)
  band = tf.constant(abs(channel[:, None] - channel[None, :]) <= radius,
                     dtype=x.dtype)

  def window_sum(t):
    return tf.reshape(tf.matmul(tf.reshape(t, [-1, depth]), band),
                      tf.shape(t))

  d = bias + alpha * window_sum(tf.square(x))
  if beta == 0.75:  # The tutorial's: two square roots beat a general power.
    d_pow = tf.math.rsqrt(d) * tf.math.rsqrt(tf.sqrt(d))
  else:
    d_pow = tf.pow(d, -beta)
  return grad * d_pow - (2.0 * alpha * beta) * x * window_sum(grad * y / d)


def _lrn_gradient():
  """Scope in which LRN ops take their gradient from `_lrn_band_grad`."""
  if not FLAGS.fast_lrn_gradient:
    return contextlib.nullcontext()
  return tf.compat.v1.get_default_graph().gradient_override_map(
      {'LRN': 'LRNBandGrad'})


def inference(images):
  """Build the CIFAR-10 model.

  Args:
    images: Images returned from distorted_inputs() or inputs(), float
      [batch, IMAGE_SIZE, IMAGE_SIZE, 3].

  Returns:
    Logits, float [batch, NUM_CLASSES].
  """
  # We instantiate all variables using tf.compat.v1.get_variable() instead of
  # tf.Variable() in order to share variables across multiple GPU training
  # runs. If we only ran this model on a single GPU, we could simplify this
  # function by replacing all instances of tf.compat.v1.get_variable() with
  # tf.Variable().
  #
  # conv1
  with tf.compat.v1.variable_scope('conv1') as scope:
    kernel = _variable_with_weight_decay('weights',
                                         shape=[5, 5, 3, 64],
                                         stddev=5e-2,
                                         wd=None)
    conv = tf.nn.conv2d(images, kernel, [1, 1, 1, 1], padding='SAME')
    biases = _variable_on_cpu('biases', [64],
                              tf.compat.v1.constant_initializer(0.0))
    pre_activation = tf.nn.bias_add(conv, biases)
    conv1 = tf.nn.relu(pre_activation, name=scope.name)
    _activation_summary(conv1)

  # pool1
  pool1 = tf.nn.max_pool2d(conv1, ksize=[1, 3, 3, 1], strides=[1, 2, 2, 1],
                           padding='SAME', name='pool1')
  # norm1
  with _lrn_gradient():
    norm1 = tf.nn.lrn(pool1, 4, bias=1.0, alpha=0.001 / 9.0, beta=0.75,
                      name='norm1')

  # conv2
  with tf.compat.v1.variable_scope('conv2') as scope:
    kernel = _variable_with_weight_decay('weights',
                                         shape=[5, 5, 64, 64],
                                         stddev=5e-2,
                                         wd=None)
    conv = tf.nn.conv2d(norm1, kernel, [1, 1, 1, 1], padding='SAME')
    biases = _variable_on_cpu('biases', [64],
                              tf.compat.v1.constant_initializer(0.1))
    pre_activation = tf.nn.bias_add(conv, biases)
    conv2 = tf.nn.relu(pre_activation, name=scope.name)
    _activation_summary(conv2)

  # norm2
  with _lrn_gradient():
    norm2 = tf.nn.lrn(conv2, 4, bias=1.0, alpha=0.001 / 9.0, beta=0.75,
                      name='norm2')
  # pool2
  pool2 = tf.nn.max_pool2d(norm2, ksize=[1, 3, 3, 1],
                           strides=[1, 2, 2, 1], padding='SAME', name='pool2')

  # local3
  with tf.compat.v1.variable_scope('local3') as scope:
    # Move everything into depth so we can perform a single matrix multiply.
    # The flattened size is static (6 * 6 * 64), so any batch size works.
    dim = 1
    for d in pool2.get_shape()[1:].as_list():
      dim *= d
    reshape = tf.reshape(pool2, [-1, dim])
    weights = _variable_with_weight_decay('weights', shape=[dim, 384],
                                          stddev=0.04, wd=0.004)
    biases = _variable_on_cpu('biases', [384],
                              tf.compat.v1.constant_initializer(0.1))
    local3 = tf.nn.relu(tf.matmul(reshape, weights) + biases, name=scope.name)
    _activation_summary(local3)

  # local4
  with tf.compat.v1.variable_scope('local4') as scope:
    weights = _variable_with_weight_decay('weights', shape=[384, 192],
                                          stddev=0.04, wd=0.004)
    biases = _variable_on_cpu('biases', [192],
                              tf.compat.v1.constant_initializer(0.1))
    local4 = tf.nn.relu(tf.matmul(local3, weights) + biases, name=scope.name)
    _activation_summary(local4)

  # linear layer(WX + b),
  # We don't apply softmax here because
  # tf.nn.sparse_softmax_cross_entropy_with_logits accepts the unscaled logits
  # and performs the softmax internally for efficiency.
  with tf.compat.v1.variable_scope('softmax_linear') as scope:
    weights = _variable_with_weight_decay('weights', [192, NUM_CLASSES],
                                          stddev=1/192.0, wd=None)
    biases = _variable_on_cpu('biases', [NUM_CLASSES],
                              tf.compat.v1.constant_initializer(0.0))
    softmax_linear = tf.add(tf.matmul(local4, weights), biases,
                            name=scope.name)
    _activation_summary(softmax_linear)

  return softmax_linear


def loss(logits, labels):
  """Add L2Loss to all the trainable variables.

  Add summary for "Loss" and "Loss/avg".
  Args:
    logits: Logits from inference().
    labels: Labels from distorted_inputs or inputs(). 1-D tensor
            of shape [batch_size]

  Returns:
    Loss tensor of type float.
  """
  # Calculate the average cross entropy loss across the batch.
  labels = tf.cast(labels, tf.int64)
  cross_entropy = tf.nn.sparse_softmax_cross_entropy_with_logits(
      labels=labels, logits=logits, name='cross_entropy_per_example')
  cross_entropy_mean = tf.reduce_mean(cross_entropy, name='cross_entropy')
  tf.compat.v1.add_to_collection('losses', cross_entropy_mean)

  # The total loss is defined as the cross entropy loss plus all of the weight
  # decay terms (L2 loss).
  return tf.add_n(tf.compat.v1.get_collection('losses'), name='total_loss')


def _add_loss_summaries(total_loss, scope=None):
  """Add summaries for losses in CIFAR-10 model.

  Generates moving average for all losses and associated summaries for
  visualizing the performance of the network.

  Args:
    total_loss: Total loss from loss().
    scope: Only the losses made under this name scope (a tower's); all if
      None.
  Returns:
    loss_averages_op: op for generating moving averages of losses.
  """
  # Compute the moving average of all individual losses and the total loss.
  loss_averages = tf.compat.v1.train.ExponentialMovingAverage(0.9, name='avg')
  losses = tf.compat.v1.get_collection('losses', scope)
  loss_averages_op = loss_averages.apply(losses + [total_loss])

  # Attach a scalar summary to all individual losses and the total loss; do the
  # same for the averaged version of the losses.
  for l in losses + [total_loss]:
    # Name each loss as '(raw)' and name the moving average version of the loss
    # as the original loss name.
    # Towers share the tags: drop 'tower_N/'. A tower's own total has a
    # uniquified op name ('tower_0/total_loss_1'); it is still 'total_loss'.
    if l is total_loss:
      tag = 'total_loss'
    else:
      tag = re.sub('%s_[0-9]*/' % TOWER_NAME, '', l.op.name)
    _scalar_summary(tag + ' (raw)', l)
    _scalar_summary(tag, loss_averages.average(l))

  return loss_averages_op


def learning_rate(global_step):
  """The tutorial's staircase schedule: 0.1, times 0.1 every 350 epochs.

  Args:
    global_step: Integer Variable counting the number of training steps
      processed.

  Returns:
    Scalar float32 learning rate tensor, also summarized as `learning_rate`.
  """
  num_batches_per_epoch = NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN / FLAGS.batch_size
  decay_steps = int(num_batches_per_epoch * NUM_EPOCHS_PER_DECAY)
  lr = tf.compat.v1.train.exponential_decay(INITIAL_LEARNING_RATE,
                                            global_step,
                                            decay_steps,
                                            LEARNING_RATE_DECAY_FACTOR,
                                            staircase=True)
  _scalar_summary('learning_rate', lr)
  return lr


def _add_variable_histograms(grads):
  """Adds histograms of the trainable variables and of their gradients.

  Args:
    grads: List of (gradient, variable) pairs.
  """
  # Add histograms for trainable variables.
  for var in tf.compat.v1.trainable_variables():
    _histogram_summary(var.op.name, var)

  # Add histograms for gradients.
  for grad, var in grads:
    if grad is not None:
      _histogram_summary(var.op.name + '/gradients', grad)


def apply_and_average(grads, global_step, lr):
  """Applies gradients, then updates the moving averages of the variables.

  Shared by `train()` and the multi-tower trainer, so both update the model
  in exactly the same way.

  Args:
    grads: List of (gradient, variable) pairs.
    global_step: Integer Variable, incremented once.
    lr: Learning rate tensor.

  Returns:
    train_op: op for one training step.
  """
  # Apply gradients.
  opt = tf.compat.v1.train.GradientDescentOptimizer(lr)
  apply_gradient_op = opt.apply_gradients(grads, global_step=global_step)

  _add_variable_histograms(grads)

  # Track the moving averages of all trainable variables.
  variable_averages = tf.compat.v1.train.ExponentialMovingAverage(
      MOVING_AVERAGE_DECAY, global_step)
  with tf.control_dependencies([apply_gradient_op]):
    variables_averages_op = variable_averages.apply(
        tf.compat.v1.trainable_variables())

  return variables_averages_op


def train(total_loss, global_step):
  """Train CIFAR-10 model.

  Create an optimizer and apply to all trainable variables. Add moving
  average for all trainable variables.

  Args:
    total_loss: Total loss from loss().
    global_step: Integer Variable counting the number of training steps
      processed.
  Returns:
    train_op: op for training.
  """
  lr = learning_rate(global_step)

  # Generate moving averages of all losses and associated summaries.
  loss_averages_op = _add_loss_summaries(total_loss)

  # Compute gradients.
  with tf.control_dependencies([loss_averages_op]):
    opt = tf.compat.v1.train.GradientDescentOptimizer(lr)
    grads = opt.compute_gradients(total_loss)

  return apply_and_average(grads, global_step, lr)


# Getting the data.

def _one_line(error):
  """An error's text on one line, for messages that must be one line."""
  return ' '.join(str(error).split())


def _progress(name, done, total):
  if total > 0:
    sys.stdout.write('\r>> Downloading %s %.1f%%' % (name, 100.0 * done / total))
  else:
    sys.stdout.write('\r>> Downloading %s %d bytes' % (name, done))
  sys.stdout.flush()


def _download(url, dest_path, expected_md5):
  """Downloads `url` to `dest_path` through a temporary file, checking MD5.

  Raises:
    cifar10_input.DataError: the source cannot be read or the checksum
      differs; nothing is left at `dest_path` or beside it.
  """
  name = os.path.basename(dest_path)
  if '://' not in url:
    url = 'file://' + os.path.abspath(url)
  fd, tmp_path = tempfile.mkstemp(prefix=name + '.', suffix='.part',
                                  dir=os.path.dirname(dest_path))
  md5 = hashlib.md5()
  try:
    with os.fdopen(fd, 'wb') as out:
      try:
        response = urllib.request.urlopen(url, timeout=60)
        total = int(response.headers.get('Content-Length') or 0)
        done = 0
        with response:
          while True:
            chunk = response.read(1 << 20)
            if not chunk:
              break
            out.write(chunk)
            md5.update(chunk)
            done += len(chunk)
            _progress(name, done, total)
      except (OSError, ValueError) as e:  # URLError is an OSError.
        raise cifar10_input.DataError(
            'could not download %s (%s): check the network, or fetch the file '
            'yourself into %s, or pass --data_url with a mirror or a local '
            'copy' % (url, _one_line(getattr(e, 'reason', e)),
                      os.path.dirname(dest_path)))
    print()
    if md5.hexdigest() != expected_md5:
      raise cifar10_input.DataError(
          'the file downloaded from %s has MD5 %s, not %s: it is corrupt or '
          'not the CIFAR-10 binary tarball; run again to retry, or pass '
          '--data_url with another source' % (url, md5.hexdigest(),
                                             expected_md5))
    os.rename(tmp_path, dest_path)
  finally:
    if os.path.exists(tmp_path):
      os.remove(tmp_path)
  statinfo = os.stat(dest_path)
  print('Successfully downloaded', name, statinfo.st_size, 'bytes.')


def _md5_of(path):
  md5 = hashlib.md5()
  with open(path, 'rb') as f:
    for chunk in iter(lambda: f.read(1 << 20), b''):
      md5.update(chunk)
  return md5.hexdigest()


def _safe_extract(tar_path, dest_dir):
  """Extracts a tarball, refusing members that would land outside dest_dir.

  Members go to a temporary folder beside the destination first, so an
  interrupted extraction never leaves a half-filled `cifar-10-batches-bin`.

  Raises:
    cifar10_input.DataError: the archive is unreadable or a member is a link,
      a device, an absolute path or climbs out with '..'.
  """
  root = os.path.realpath(dest_dir)
  tmp_dir = tempfile.mkdtemp(prefix='.extract-', dir=root)
  try:
    try:
      with tarfile.open(tar_path, 'r:*') as tar:
        members = tar.getmembers()
        for member in members:
          target = os.path.realpath(os.path.join(tmp_dir, member.name))
          if (os.path.isabs(member.name) or
              os.path.commonpath([target, tmp_dir]) != tmp_dir or
              not (member.isfile() or member.isdir())):
            raise cifar10_input.DataError(
                '%s holds %r, which would be written outside %s or is not a '
                'plain file: refusing to extract it; delete the tarball and '
                'download it again from a trusted source'
                % (tar_path, member.name, dest_dir))
        if hasattr(tarfile, 'data_filter'):
          tar.extractall(tmp_dir, members=members, filter='data')
        else:
          tar.extractall(tmp_dir, members=members)
    except (tarfile.TarError, EOFError, OSError) as e:
      raise cifar10_input.DataError(
          'could not extract %s (%s): delete it and run again to download a '
          'fresh copy' % (tar_path, _one_line(e)))
    for name in os.listdir(tmp_dir):
      if not os.path.exists(os.path.join(root, name)):
        os.rename(os.path.join(tmp_dir, name), os.path.join(root, name))
  finally:
    shutil.rmtree(tmp_dir, ignore_errors=True)


def maybe_download_and_extract(dest_directory=None, data_url=None,
                               data_md5=None):
  """Download and extract the tarball from Alex's website.

  Nothing is fetched when `cifar-10-batches-bin` is already there, and a
  tarball already downloaded with the right checksum is extracted without
  network access. With `--fake_data` the synthetic files are written instead.

  Args:
    dest_directory: Folder for the tarball and the extracted files; defaults
      to --data_dir.
    data_url: Source URL or local path; defaults to --data_url.
    data_md5: Expected MD5 of the tarball; defaults to --data_md5.

  Raises:
    cifar10_input.DataError: the download failed, its checksum differs, or
      the archive holds members outside `dest_directory`.
  """
  if FLAGS.fake_data and dest_directory is None:
    data_dir()
    return
  dest_directory = dest_directory or FLAGS.data_dir
  data_url = data_url or FLAGS.data_url
  data_md5 = data_md5 or FLAGS.data_md5
  extracted_dir_path = os.path.join(dest_directory, EXTRACTED_DIRNAME)
  if os.path.exists(extracted_dir_path):
    return
  os.makedirs(dest_directory, exist_ok=True)
  filename = os.path.basename(urllib.parse.urlparse(data_url).path) or (
      os.path.basename(DATA_URL))
  filepath = os.path.join(dest_directory, filename)
  if not (os.path.exists(filepath) and _md5_of(filepath) == data_md5):
    _download(data_url, filepath, data_md5)
  _safe_extract(filepath, dest_directory)
  if not os.path.exists(extracted_dir_path):
    raise cifar10_input.DataError(
        '%s did not contain a %s folder: pass --data_url with the CIFAR-10 '
        'binary version' % (filepath, EXTRACTED_DIRNAME))
