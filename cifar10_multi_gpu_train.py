# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Trains the CIFAR-10 model on several GPUs at once, in lockstep.

  cifar10-multi-gpu-train --num_gpus=2
  cifar10-multi-gpu-train --num_gpus=2 --log_device_placement

Each GPU runs one copy of the model, a "tower", on a batch of its own; all
towers read and write the same variables, which live on the CPU. A step
averages the towers' gradients (the towers wait for each other there) and
applies the mean once, so --num_gpus towers of --batch_size images train
like one batch of num_gpus * batch_size. With fewer GPUs than --num_gpus,
soft placement puts the remaining towers on the CPU.

Batches of 128 a tower; precision @ 1 from cifar10-eval (README, Speed):

  machine                        sec/batch   images/sec   precision @ 1
  AMD EPYC with AVX-512 (Zen 4),
    2 cores, 2 towers on the CPU 0.07-0.08   1,650-1,840  (as one tower)
  2 Tesla K20m (the tutorial's)  0.13-0.20   -            ~0.84 at 30K steps
  4 Tesla K20m (the tutorial's)  ~0.10       -            ~0.84 at 30K steps

sec/batch is the step time divided by the towers. On a CPU the towers share
the same cores, so two are no faster than one. Checkpoints (every
--save_checkpoint_steps and at the last step) go to --train_dir, which
cifar10-eval reads; the trainer flags are in cifar10_flags.py.
"""

import cifar10_prepare

cifar10_prepare.load_tensorflow()  # Its settings first; then it loads quietly.

# pylint: disable=g-import-not-at-top,wrong-import-position
from absl import app
import tensorflow as tf

import cifar10
import cifar10_flags
import cifar10_runtime

FLAGS = tf.compat.v1.flags.FLAGS
cifar10_flags.define_trainer_flags()

tf.compat.v1.flags.DEFINE_integer(
    'num_gpus', 1, 'Towers to build, tower i on GPU i.', lower_bound=1)


def tower_loss(scope, images, labels, num_classes=cifar10.NUM_CLASSES):
  """Builds one tower's model and returns the total loss of its batch.

  Args:
    scope: The tower's name scope, such as 'tower_0/'.
    images: float Tensor [batch, IMAGE_SIZE, IMAGE_SIZE, 3].
    labels: int32 Tensor [batch].
    num_classes: Classes of the data set.

  Returns:
    Scalar Tensor: the tower's cross-entropy plus the weight decay.
  """
  cifar10.loss(cifar10.inference(images, num_classes), labels)
  # The `losses` collection gathers the terms of every tower; this tower's
  # are those made under its scope. Each tower counts the weight decay
  # once, so the mean over the towers counts it once too, as one big batch
  # would.
  return tf.add_n(tf.compat.v1.get_collection('losses', scope),
                  name='total_loss')


def average_gradients(tower_grads):
  """Averages each variable's gradient over the towers.

  This is where the towers meet: the update needs every tower's gradient.

  Args:
    tower_grads: For each tower, its list of (gradient, variable) pairs,
      the variables in the same order in every list.

  Returns:
    List of (mean gradient, variable) pairs.
  """
  averaged = []
  for pairs in zip(*tower_grads):
    mean = tf.reduce_mean(tf.stack([grad for grad, _ in pairs]), axis=0)
    # The towers share each variable: the first pair's names it.
    averaged.append((mean, pairs[0][1]))
  return averaged


def prefetch_queue(tensors, capacity):
  """A queue of whole batches, so that each tower takes a batch of its own.

  The batching pipeline is built, and its shuffling queue filled, once for
  all towers; this small queue in front of it holds ready batches.

  Args:
    tensors: Batched tensors, such as [images, labels].
    capacity: Batches the queue holds.

  Returns:
    The queue; each dequeue gives one batch (`tower_batches` takes one
    for every tower at once).
  """
  queue = tf.compat.v1.FIFOQueue(
      capacity, dtypes=[t.dtype for t in tensors],
      shapes=[t.shape for t in tensors], name='prefetch_queue')
  tf.compat.v1.train.add_queue_runner(
      tf.compat.v1.train.QueueRunner(queue, [queue.enqueue(tensors)]))
  return queue


def tower_batches(batch_queue, num_towers):
  """One batch for each tower, all taken in one dequeue.

  Tower i gets the i-th batch. Were each tower to dequeue its own, they
  would take them in whatever order they happened to ask, and no seed
  would repeat a run (--deterministic).

  Args:
    batch_queue: The queue of `prefetch_queue`.
    num_towers: Batches to take.

  Returns:
    List of num_towers (images, labels) pairs.
  """
  images, labels = batch_queue.dequeue_many(num_towers)
  return list(zip(tf.unstack(images), tf.unstack(labels)))


def tower_gradients(opt, batches, num_classes=cifar10.NUM_CLASSES):
  """Builds tower i on /gpu:i for each batch; averages their gradients.

  Args:
    opt: The optimizer whose `compute_gradients` each tower calls.
    batches: One (images, labels) pair per tower.
    num_classes: Classes of the data set.

  Returns:
    grads: List of (mean gradient, variable) pairs.
    loss: The last tower's total loss, which the log line shows.
    loss_averages_op: Updates the moving averages of the last tower's
      losses, which TensorBoard shows.
  """
  tower_grads = []
  with tf.compat.v1.variable_scope(tf.compat.v1.get_variable_scope()):
    for i, batch in enumerate(batches):
      with tf.device('/gpu:%d' % i), tf.name_scope(
          '%s_%d' % (cifar10.TOWER_NAME, i)) as scope:
        images, labels = batch
        # TensorBoard's `images`: the last tower's (see last_tower_summaries).
        tf.compat.v1.add_to_collection(
            tf.compat.v1.GraphKeys.SUMMARIES,
            tf.raw_ops.ImageSummary(tag='images', tensor=images))
        loss = tower_loss(scope, images, labels, num_classes)
        # The first tower made the variables; the others reuse them.
        tf.compat.v1.get_variable_scope().reuse_variables()
        tower_grads.append(cifar10.compute_gradients(opt, loss))
  # The loss averages are variables: make them outside the reusing scope.
  loss_averages_op = cifar10.add_loss_summaries(loss, scope)
  return average_gradients(tower_grads), loss, loss_averages_op


def last_tower_summaries(num_towers):
  """The summaries of the last tower and of everything outside the towers.

  Every tower makes the same tags; the last tower's stand for all of them.
  The input's own image summary is left out: fetching it would dequeue a
  batch of its own, one that no tower trains on, and with --deterministic
  would let timing decide which batch each tower gets. The last tower's
  batch is shown under its tag instead.
  """
  towers = tuple('%s_%d/' % (cifar10.TOWER_NAME, i)
                 for i in range(num_towers))

  def kept(summary):
    if summary.op.name.startswith(towers[-1]):
      return True
    return (not summary.op.name.startswith(towers) and
            summary.op.type != 'ImageSummary')
  return [s for s in
          tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.SUMMARIES)
          if kept(s)]


def train(data):
  """Trains on a `cifar10.DataSet` until the global step reaches
  --max_steps."""
  with tf.Graph().as_default(), tf.device('/cpu:0'):
    cifar10_runtime.seed_graph(FLAGS.seed, FLAGS.deterministic)
    global_step = tf.compat.v1.train.get_or_create_global_step()
    lr = cifar10.learning_rate(global_step, data.train_examples)
    opt = tf.compat.v1.train.GradientDescentOptimizer(lr)

    # One input pipeline on the CPU, whatever the number of towers.
    images, labels = cifar10.distorted_inputs(data)
    batch_queue = prefetch_queue([images, labels], capacity=2 * FLAGS.num_gpus)

    grads, loss, loss_averages_op = tower_gradients(
        opt, tower_batches(batch_queue, FLAGS.num_gpus), data.num_classes)
    # The update of cifar10.train(): descent, then the moving averages.
    train_op = tf.group(cifar10.apply_and_average(grads, global_step, lr),
                        loss_averages_op)

    with cifar10_runtime.TrainingRun(FLAGS.train_dir, FLAGS.max_steps,
                                     FLAGS.fresh_start,
                                     FLAGS.fall_back_checkpoint) as run:
      if run.finished():
        return
      step_after = cifar10_runtime.step_after(train_op)
      scaffold = run.scaffold(summary_op=tf.compat.v1.summary.merge(
          last_tower_summaries(FLAGS.num_gpus)))
      hooks = [
          tf.compat.v1.train.StopAtStepHook(last_step=FLAGS.max_steps),
          # Ahead of the saver: the weights of a NaN step are never saved.
          run.nan_loss_hook(step_after, loss),
          cifar10_runtime.CheckpointSaverHook(
              FLAGS.train_dir, scaffold=scaffold,
              **cifar10_flags.checkpoint_schedule(
                  FLAGS['save_checkpoint_secs'],
                  FLAGS['save_checkpoint_steps'], 'steps')),
          cifar10_runtime.LoggerHook(
              step_after, loss, FLAGS.batch_size * FLAGS.num_gpus,
              FLAGS.log_frequency, num_towers=FLAGS.num_gpus),
          run.stop_hook,
      ]
      config = tf.compat.v1.ConfigProto(
          allow_soft_placement=True,  # Towers beyond the GPUs go to the CPU.
          log_device_placement=FLAGS.log_device_placement)
      with tf.compat.v1.train.MonitoredTrainingSession(
          scaffold=scaffold,  # Restores what the run chose to resume from.
          summary_dir=FLAGS.train_dir,
          hooks=hooks,
          save_checkpoint_secs=None,  # The saver hook above does it.
          save_summaries_steps=FLAGS.save_summaries_steps,
          log_step_count_steps=None,
          config=config) as mon_sess:
        with run.saving_on_failure():
          while not mon_sess.should_stop():
            mon_sess.run(train_op)


def main(argv=None):
  del argv  # Unused: absl has parsed the flags.
  with cifar10_runtime.clean_exit():
    cifar10_prepare.make_output_dir(FLAGS.train_dir, 'train_dir')
    if cifar10_runtime.nothing_to_do(FLAGS.train_dir, FLAGS.max_steps,
                                     FLAGS.fresh_start):
      return
    cifar10_runtime.say_slow_settings(FLAGS.num_gpus)
    cifar10.maybe_download_and_extract()
    train(cifar10.data_set())


# What --help shows: how to call the command, and its flags by group.
USAGE = 'cifar10-multi-gpu-train [flags]'
HELP_GROUPS = (('Towers', 'cifar10_multi_gpu_train'),
               ('Training', 'cifar10_flags'), ('Model', 'cifar10'),
               ('Input', 'cifar10_input'), ('Data', 'cifar10_data'))


def run():
  """Console entry point `cifar10-multi-gpu-train`."""
  app.run(main, flags_parser=cifar10_flags.parser(
      USAGE, __doc__, HELP_GROUPS))


if __name__ == '__main__':
  run()
