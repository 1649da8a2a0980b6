# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Trains the CIFAR-10 model on one device; cifar10-eval measures it.

  cifar10-train                               # downloads the data once
  cifar10-train --fake_data --train_dir=/tmp/cifar10_demo --max_steps=300 \
      --min_fraction_of_examples_in_queue=0.02  # offline demo
  cifar10-train --seed=1 --deterministic --fresh_start  # the same bits

Batches of 128; precision @ 1 as cifar10-eval reports it on the test set
(the speed is the benchmark's full step: README, Speed):

  machine                          sec/batch  images/sec  precision @ 1
  AMD EPYC with AVX-512 (Zen 4),   0.07-0.08  1,570-1,790 0.60 at 1K steps
    2 cores                                               0.74 at 4K steps
  Tesla K40m (the tutorial's)      0.25-0.35  350-600     ~0.86 at 100K steps

On a CPU without AVX-512 (lscpu lists no avx512f) expect less: its step
lines showed 750-1,150 images/sec on a 2-core AMD EPYC without it.

Running it again resumes from the newest checkpoint in --train_dir; only
--fresh_start deletes anything there. SIGTERM or Ctrl-C saves the current
step and stops. The flags it shares with the other trainers (--train_dir,
--max_steps, --log_frequency, ...) are defined in cifar10_flags.py, those
of the model and the data in cifar10.py, cifar10_input.py and
cifar10_data.py.
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


def train(data):
  """Trains on a `cifar10.DataSet` until the global step reaches
  --max_steps."""
  with tf.Graph().as_default():
    cifar10_runtime.seed_graph(FLAGS.seed, FLAGS.deterministic)
    global_step = tf.compat.v1.train.get_or_create_global_step()

    # Reading and distorting images stays on the CPU, wherever the model
    # runs: the queues and the image ops are CPU work.
    with tf.device('/cpu:0'):
      images, labels = cifar10.distorted_inputs(data)

    logits = cifar10.inference(images, data.num_classes)
    loss = cifar10.loss(logits, labels)
    train_op = cifar10.train(loss, global_step, data.train_examples)

    with cifar10_runtime.TrainingRun(FLAGS.train_dir, FLAGS.max_steps,
                                     FLAGS.fresh_start,
                                     FLAGS.fall_back_checkpoint) as run:
      if run.finished():
        return
      step_after = cifar10_runtime.step_after(train_op)
      scaffold = run.scaffold()
      hooks = [
          tf.compat.v1.train.StopAtStepHook(last_step=FLAGS.max_steps),
          # Ahead of the saver: the weights of a NaN step are never saved.
          run.nan_loss_hook(step_after, loss),
          cifar10_runtime.CheckpointSaverHook(
              FLAGS.train_dir, scaffold=scaffold,
              # By steps when deterministic: at the same steps every run.
              **cifar10_flags.checkpoint_schedule(
                  FLAGS['save_checkpoint_secs'],
                  FLAGS['save_checkpoint_steps'],
                  'steps' if FLAGS.deterministic else 'secs')),
          cifar10_runtime.LoggerHook(step_after, loss, FLAGS.batch_size,
                                     FLAGS.log_frequency),
          run.stop_hook,
      ]
      config = tf.compat.v1.ConfigProto(
          allow_soft_placement=True,
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
    cifar10_runtime.say_slow_settings()
    cifar10.maybe_download_and_extract()
    train(cifar10.data_set())


# What --help shows: how to call the command, and its flags by group.
USAGE = 'cifar10-train [flags]'
HELP_GROUPS = (('Training', 'cifar10_flags'), ('Model', 'cifar10'),
               ('Input', 'cifar10_input'), ('Data', 'cifar10_data'))


def run():
  """Console entry point `cifar10-train`."""
  app.run(main, flags_parser=cifar10_flags.parser(
      USAGE, __doc__, HELP_GROUPS))


if __name__ == '__main__':
  run()
