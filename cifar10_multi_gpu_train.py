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

"""A binary to train CIFAR-10 using multiple GPUs with synchronous updates.

Accuracy:
cifar10_multi_gpu_train.py achieves ~86% accuracy after 100K steps (256
epochs of data) as judged by cifar10_eval.py.

Speed: With batch_size 128.

System        | Step Time (sec/batch)  |     Accuracy
--------------------------------------------------------------------
1 Tesla K20m  | 0.35-0.60              | ~86% at 60K steps  (5 hours)
1 Tesla K40m  | 0.25-0.35              | ~86% at 100K steps (4 hours)
2 Tesla K20m  | 0.13-0.20              | ~84% at 30K steps  (2.5 hours)
3 Tesla K20m  | 0.13-0.18              | ~84% at 30K steps
4 Tesla K20m  | ~0.10                  | ~84% at 30K steps

The rows are the original tutorial's. On a machine without GPUs the towers
share the CPU cores: measured 2026-11-22 on 2 Xeon cores (AVX-512 and AMX;
TensorFlow 2.21, the suite's defaults), --num_gpus=2 with batches of 128 ran
at 1,000-1,260 images/sec, 0.10-0.13 sec/batch as the log line counts it
(step time divided by the towers): no faster than one tower there, since both
towers share the same cores. benchmarks/benchmark.py measures the
single-device step on your machine.

Each GPU holds one replica of the model ("tower"); the variables live on the
CPU and are shared by all towers. Every step, each tower takes its own batch
from one shared input queue, computes its loss and gradients, and the
gradients are averaged across towers (the synchronization point) and applied
once. With fewer GPUs than --num_gpus, soft placement runs the rest of the
towers on the CPU.

Usage:
Please see the tutorial and website for how to download the CIFAR-10
data set, compile the program and train the model.

  python cifar10_multi_gpu_train.py --num_gpus=2
  python cifar10_multi_gpu_train.py --num_gpus=2 --log_device_placement

It takes every flag of cifar10_train.py (and resumes the same way); its
checkpoints are read by cifar10_eval.py.
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import os

# Keep the console readable: TensorFlow's C++ info and warning lines (such as
# "Enqueue operation was cancelled" when the queues close) stay hidden unless
# TF_CPP_MIN_LOG_LEVEL says otherwise. Must be set before TensorFlow loads.
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
# oneDNN kernels: TensorFlow turns them on by itself only on some CPUs, and
# they made the training step 2 to 2.5 times faster on CPUs (see the README's
# Speed section). An explicit TF_ENABLE_ONEDNN_OPTS=0 still turns them off.
os.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '1')

from absl import app  # pylint: disable=g-import-not-at-top
import tensorflow as tf  # pylint: disable=g-import-not-at-top

import cifar10  # pylint: disable=g-import-not-at-top
import cifar10_train  # pylint: disable=g-import-not-at-top

FLAGS = tf.compat.v1.flags.FLAGS

tf.compat.v1.flags.DEFINE_integer(
    'num_gpus', 1, 'How many GPUs to use: one tower on each.', lower_bound=1)
tf.compat.v1.flags.DEFINE_integer(
    'save_checkpoint_steps', 1000,
    'Steps between checkpoints; one is also written at the last step.',
    lower_bound=1)


def tower_loss(scope, images, labels):
  """Calculate the total loss on a single tower running the CIFAR model.

  Args:
    scope: unique prefix string identifying the CIFAR tower, e.g. 'tower_0'
    images: Images. 4D tensor of shape [batch_size, height, width, 3].
    labels: Labels. 1D tensor of shape [batch_size].

  Returns:
     Tensor of shape [] containing the total loss for a batch of data
  """

  # Build inference Graph.
  logits = cifar10.inference(images)

  # Build the portion of the Graph calculating the losses. Note that we will
  # assemble the total_loss using a custom function below.
  _ = cifar10.loss(logits, labels)

  # Assemble all of the losses for the current tower only: its cross entropy
  # and its own weight-decay terms. Every tower counts the weight decay once,
  # so the average over towers counts it once, as one big batch would.
  losses = tf.compat.v1.get_collection('losses', scope)

  # Calculate the total loss for the current tower.
  total_loss = tf.add_n(losses, name='total_loss')

  return total_loss


def average_gradients(tower_grads):
  """Calculate the average gradient for each shared variable across all towers.

  Note that this function provides a synchronization point across all towers.

  Args:
    tower_grads: List of lists of (gradient, variable) tuples. The outer list
      is over individual gradients. The inner list is over the gradient
      calculation for each tower.
  Returns:
     List of pairs of (gradient, variable) where the gradient has been averaged
     across all towers.
  """
  average_grads = []
  for grad_and_vars in zip(*tower_grads):
    # Note that each grad_and_vars looks like the following:
    #   ((grad0_gpu0, var0_gpu0), ... , (grad0_gpuN, var0_gpuN))
    grads = []
    for g, _ in grad_and_vars:
      # Add 0 dimension to the gradients to represent the tower.
      expanded_g = tf.expand_dims(g, 0)

      # Append on a 'tower' dimension which we will average over below.
      grads.append(expanded_g)

    # Average over the 'tower' dimension.
    grad = tf.concat(axis=0, values=grads)
    grad = tf.reduce_mean(grad, 0)

    # Keep in mind that the Variables are redundant because they are shared
    # across towers. So .. we will just return the first tower's pointer to
    # the Variable.
    v = grad_and_vars[0][1]
    grad_and_var = (grad, v)
    average_grads.append(grad_and_var)
  return average_grads


def prefetch_queue(tensors, capacity):
  """Queues whole batches so that each tower dequeues a batch of its own.

  The batching pipeline is built (and its queue filled) once, whatever the
  number of towers; this small FIFO queue in front of it holds ready batches.

  Args:
    tensors: List of batched tensors, such as [images, labels].
    capacity: How many batches the queue holds.

  Returns:
    The queue; `dequeue()` gives one batch.
  """
  queue = tf.compat.v1.FIFOQueue(
      capacity, dtypes=[t.dtype for t in tensors],
      shapes=[t.shape for t in tensors], name='prefetch_queue')
  tf.compat.v1.train.add_queue_runner(
      tf.compat.v1.train.QueueRunner(queue, [queue.enqueue(tensors)]))
  return queue


def tower_gradients(opt, batches):
  """Builds one tower per batch, tower i on /gpu:i; averages the gradients.

  Args:
    opt: Optimizer whose `compute_gradients` each tower uses.
    batches: List of (images, labels) pairs, one per tower; or a callable
      returning such a pair, called inside each tower's scope.

  Returns:
    grads: List of (averaged gradient, variable) pairs.
    loss: The last tower's total loss, for logging.
    loss_averages_op: Op that updates the moving averages of the last
      tower's losses, which its summaries show.
  """
  tower_grads = []
  with tf.compat.v1.variable_scope(tf.compat.v1.get_variable_scope()):
    for i, batch in enumerate(batches):
      with tf.device('/gpu:%d' % i):
        with tf.name_scope('%s_%d' % (cifar10.TOWER_NAME, i)) as scope:
          # Dequeues one batch of images and labels for the GPU.
          image_batch, label_batch = batch() if callable(batch) else batch
          # Calculate the loss for one tower of the CIFAR model. This
          # function constructs the entire CIFAR model but shares the
          # variables across all towers.
          loss = tower_loss(scope, image_batch, label_batch)

          # Reuse variables for the next tower.
          tf.compat.v1.get_variable_scope().reuse_variables()

          # Calculate the gradients for the batch of data on this CIFAR
          # tower.
          grads = opt.compute_gradients(loss)

          # Keep track of the gradients across all towers.
          tower_grads.append(grads)

  # We must calculate the mean of each gradient. Note that this is the
  # synchronization point across all towers.
  grads = average_gradients(tower_grads)

  # The single-device trainer's loss summaries, from the last tower. Built
  # here, outside the reused variable scope, since the averages are variables.
  loss_averages_op = cifar10._add_loss_summaries(loss, scope)  # pylint: disable=protected-access
  return grads, loss, loss_averages_op


def _summaries_to_keep(num_towers):
  """The summaries of the last tower and of everything outside the towers.

  Every tower writes the same tags; as in the tutorial, the last tower's
  stand for all, so TensorBoard shows the single-device trainer's names.
  """
  others = tuple('%s_%d/' % (cifar10.TOWER_NAME, i)
                 for i in range(num_towers - 1))
  return [s for s in
          tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.SUMMARIES)
          if not s.op.name.startswith(others)]


def train():
  """Train CIFAR-10 for a number of steps."""
  with tf.Graph().as_default(), tf.device('/cpu:0'):
    # Create a variable to count the number of train() calls. This equals the
    # number of batches processed * FLAGS.num_gpus.
    global_step = tf.compat.v1.train.get_or_create_global_step()

    # Decay the learning rate exponentially based on the number of steps.
    lr = cifar10.learning_rate(global_step)

    # Create an optimizer that performs gradient descent.
    opt = tf.compat.v1.train.GradientDescentOptimizer(lr)

    # Get images and labels for CIFAR-10, once for all towers.
    images, labels = cifar10.distorted_inputs()
    batch_queue = prefetch_queue([images, labels], capacity=2 * FLAGS.num_gpus)

    grads, loss, loss_averages_op = tower_gradients(
        opt, [batch_queue.dequeue] * FLAGS.num_gpus)

    # Apply the gradients to adjust the shared variables, and track their
    # moving averages, exactly as cifar10.train() does.
    train_op = tf.group(cifar10.apply_and_average(grads, global_step, lr),
                        loss_averages_op)

    cifar10_train.run_training(
        train_op, loss,
        examples_per_step=FLAGS.batch_size * FLAGS.num_gpus,
        num_towers=FLAGS.num_gpus,
        save_checkpoint_steps=FLAGS.save_checkpoint_steps,
        summary_op=tf.compat.v1.summary.merge(
            _summaries_to_keep(FLAGS.num_gpus)))


def main(argv=None):  # pylint: disable=unused-argument
  cifar10_train.run_script(train)


def run():
  """Console entry point `cifar10-multi-gpu-train`."""
  # absl (not tf.compat.v1.app) turns a bad flag value into one line.
  app.run(main)


if __name__ == '__main__':
  run()
