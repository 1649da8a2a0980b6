# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""A binary to train CIFAR-10 on several machines with synchronous updates.

TensorFlow's distributed runtime, as TensorFlow 1.x used it: each process
runs a gRPC server (`tf.distribute.Server`) for one task of the cluster.
Parameter servers (job `ps`) hold the variables; workers (job `worker`) each
read their own copy of the data and run the model of cifar10.py, on their
first GPU when they have one. A `SyncReplicasOptimizer`
makes each global step the mean of num_workers gradients: each worker sends
its gradient to accumulators on the
parameter servers, and once num_workers have arrived the chief applies
their mean once, updates the moving averages, and lets every worker start
the next step. Gradients computed on variables older than the current step
are dropped; a worker that is ahead may send two gradients to a step that a
slow worker has not reached. Worker 0 is the chief: it initializes or
restores the model and writes checkpoints and summaries to --train_dir,
which cifar10-eval reads.

Speed: batch_size 64 on each worker, one tower each, all on one machine
with 2 cores of an AMD EPYC with AVX-512 (Zen 4; TensorFlow 2.21) over
127.0.0.1, so that the three processes share the cores; the same machine
trains cifar10-train at about 1,600 examples/sec. Accuracy on --fake_data,
as judged by cifar10-eval.

Cluster          | Step Time (sec/global step)   | Accuracy
--------------------------------------------------------------------
1 ps, 2 workers  | 0.10-0.12 (1,030-1,280 img/s) | 1.000 at 150 steps

Usage: start one process per task, with the same cluster everywhere:

  HOSTS='--ps_hosts=ps0:2222 --worker_hosts=worker0:2222,worker1:2222'
  cifar10-distributed-train $HOSTS --job_name=ps --task_index=0
  cifar10-distributed-train $HOSTS --job_name=worker --task_index=0
  cifar10-distributed-train $HOSTS --job_name=worker --task_index=1

Without --ps_hosts, --worker_hosts and --job_name, the cluster and the task
come from the TF_CONFIG environment variable, for instance
{"cluster": {"ps": ["ps0:2222"], "worker": ["worker0:2222", "worker1:2222"]},
 "task": {"type": "worker", "index": 1}}.

Workers take the trainer flags of cifar10_flags.py (--max_steps counts
global steps; checkpoints every --save_checkpoint_steps, or every
--save_checkpoint_secs when that is given). A parameter server exits once
every worker has finished. A step that TensorFlow's gRPC runtime rejects as
a repeated request (it happens now and then) is run again in the same
session, and the worker's last line counts such steps. If a parameter
server (or, seen from the other workers, the chief) goes away, workers say
which and exit with status 1 within about --fault_timeout_secs; the chief
names any worker that has finished no step for that long. A worker whose
session fails otherwise exits with one line saying what to restart.
"""
import cifar10_prepare

cifar10_prepare.load_tensorflow()  # Its settings first; then it loads quietly.

# pylint: disable=g-import-not-at-top,wrong-import-position
import contextlib
import sys

from absl import app
import tensorflow as tf

import cifar10
import cifar10_flags
import cifar10_replicas
from cifar10_replicas import error_line
from cifar10_replicas import RESTART_JOB
from cifar10_replicas import say
import cifar10_runtime

FLAGS = tf.compat.v1.flags.FLAGS
cifar10_flags.define_trainer_flags()

# The cluster, as TensorFlow 1.x's distributed how-to gave it.
tf.compat.v1.flags.DEFINE_list(
    'ps_hosts', [],
    'Comma-separated host:port of the parameter servers. With '
    '--worker_hosts and --job_name, it replaces TF_CONFIG.')
tf.compat.v1.flags.DEFINE_list(
    'worker_hosts', [],
    'Comma-separated host:port of the workers; the first is the chief.')
tf.compat.v1.flags.DEFINE_enum(
    'job_name', None, ['ps', 'worker'], 'The job of this process.')
tf.compat.v1.flags.DEFINE_integer(
    'task_index', 0, 'The index of this process within its job.',
    lower_bound=0)

# Faults.
tf.compat.v1.flags.DEFINE_integer(
    'fault_timeout_secs', 60,
    'Seconds without progress after which a worker checks that the '
    'parameter servers and the chief are still there (and exits, naming the '
    'one that is not), the chief names the workers it is waiting for, and a '
    'parameter server names the workers that have not finished.',
    lower_bound=1)


class ClusterError(Exception):
  """The cluster or the task is missing or inconsistent."""


def cluster_and_task():
  """The cluster and this process's task, from the flags or TF_CONFIG.

  Returns:
    cluster: `tf.train.ClusterSpec` with jobs 'ps' and 'worker'.
    job_name: 'ps' or 'worker'.
    task_index: Index of this task within its job.

  Raises:
    ClusterError: neither the flags nor TF_CONFIG give a usable cluster.
  """
  if FLAGS.ps_hosts or FLAGS.worker_hosts or FLAGS.job_name:
    if not (FLAGS.ps_hosts and FLAGS.worker_hosts and FLAGS.job_name):
      raise ClusterError('give all of --ps_hosts, --worker_hosts and '
                         '--job_name (or none of them, and TF_CONFIG)')
    cluster = tf.train.ClusterSpec({'ps': FLAGS.ps_hosts,
                                    'worker': FLAGS.worker_hosts})
    job_name, task_index = FLAGS.job_name, FLAGS.task_index
  else:
    resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
    try:
      cluster = resolver.cluster_spec()
    except ValueError as e:
      raise ClusterError('TF_CONFIG is not a valid cluster (%s)' % e)
    if not cluster.jobs:
      raise ClusterError('no cluster: pass --ps_hosts, --worker_hosts, '
                         '--job_name and --task_index, or set TF_CONFIG')
    if 'chief' in cluster.jobs:
      raise ClusterError("TF_CONFIG has a 'chief' job: list the chief first "
                         "under 'worker' instead (worker 0 is the chief)")
    job_name, task_index = resolver.task_type, resolver.task_id
  source = {'ps': '--ps_hosts', 'worker': '--worker_hosts'}
  if not FLAGS.job_name:
    source = {'ps': 'TF_CONFIG\'s ps', 'worker': 'TF_CONFIG\'s worker'}
  if sorted(cluster.jobs) != ['ps', 'worker']:
    raise ClusterError('the cluster must have jobs ps and worker, not %s'
                       % ', '.join(sorted(cluster.jobs)))
  seen = {}
  for job in ('ps', 'worker'):
    for address in cluster.job_tasks(job):
      host, _, port = address.rpartition(':')
      if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ClusterError('%s: %r is not host:port with a port in '
                           '1..65535, such as %s:2222'
                           % (source[job], address, host or address))
      if address in seen:
        raise ClusterError('%s and %s both name %s: give each task an '
                           'address of its own' % (seen[address],
                                                   source[job], address))
      seen[address] = source[job]
  if job_name not in ('ps', 'worker'):
    raise ClusterError('this task is a %r; it must be a ps or a worker'
                       % job_name)
  if not 0 <= (task_index or 0) < cluster.num_tasks(job_name):
    raise ClusterError('%s%s, but the %s job has %d tasks (0..%d)' % (
        '--task_index=' if FLAGS.job_name else 'TF_CONFIG\'s task index ',
        task_index, job_name, cluster.num_tasks(job_name),
        cluster.num_tasks(job_name) - 1))
  return cluster, job_name, task_index or 0


def sync_train_op(cluster, task_index, data):
  """Builds the graph of one worker: its model and the synchronous update.

  Variables go to the parameter servers (round robin, by
  `replica_device_setter`); the input pipeline to the worker's CPU; the
  model to the worker's first GPU (its CPU if it has none).

  Args:
    cluster: `tf.train.ClusterSpec` with jobs 'ps' and 'worker'.
    task_index: Index of this worker.
    data: The `cifar10.DataSet` to train on.

  Returns:
    train_op: Op for one step of this worker: it sends its gradients and
      waits until the step they belong to is applied.
    loss: The worker's total loss.
    opt: The `SyncReplicasOptimizer`, for its session hook.
    worker_steps: int64 Variable [num_workers] on a parameter server: the
      global step at which each worker last finished a step.
  """
  num_workers = cluster.num_tasks('worker')
  worker_device = '/job:worker/task:%d' % task_index
  with tf.compat.v1.device(tf.compat.v1.train.replica_device_setter(
      worker_device=worker_device, cluster=cluster)):
    global_step = tf.compat.v1.train.get_or_create_global_step()

    # The learning rate follows the global step: one step per update, that
    # is, per num_workers batches.
    lr = cifar10.learning_rate(global_step, data.train_examples)
    base_opt = tf.compat.v1.train.GradientDescentOptimizer(lr)

    # Each worker reads its own copy of the data, on its own CPU.
    with tf.device(worker_device + '/cpu:0'):
      images, labels = cifar10.distorted_inputs(data)

    with tf.device('/gpu:0'):
      loss = cifar10.loss(cifar10.inference(images, data.num_classes),
                          labels)
      grads = cifar10.compute_gradients(base_opt, loss)
    loss_averages_op = cifar10.add_loss_summaries(loss)

    # The update of cifar10.apply_and_average(), once per step for the whole
    # cluster: gradient descent on the mean of num_workers gradients, then
    # the moving averages that evaluation restores.
    opt = cifar10_replicas.SyncReplicasOptimizer(
        base_opt, replicas_to_aggregate=num_workers,
        total_num_replicas=num_workers,
        variable_averages=tf.compat.v1.train.ExponentialMovingAverage(
            cifar10.MOVING_AVERAGE_DECAY, global_step),
        variables_to_average=tf.compat.v1.trainable_variables())
    cifar10.add_variable_histograms(grads)
    step_op = opt.apply_gradients(grads, global_step=global_step)
    # Run by the session hook; marked so that a worker that stops before its
    # session starts (a train_dir in use) ends with its one line, not with
    # TensorFlow's report of an op never run.
    opt.ready_for_local_init_op.mark_used()

    # A local variable: every worker's start zeroes it; nothing to restore.
    worker_steps = tf.compat.v1.Variable(
        tf.zeros([num_workers], tf.int64), trainable=False,
        collections=[tf.compat.v1.GraphKeys.LOCAL_VARIABLES],
        name='worker_steps')
    with tf.control_dependencies([step_op]):
      heartbeat = tf.compat.v1.scatter_update(
          worker_steps, [task_index], [global_step.read_value()])
    train_op = tf.group(heartbeat, loss_averages_op)
  return train_op, loss, opt, worker_steps


def train(server, cluster, task_index, data):
  """Trains as one worker of the cluster until --max_steps.

  Args:
    server: This worker's `tf.distribute.Server`.
    cluster: `tf.train.ClusterSpec`.
    task_index: Index of this worker; worker 0 is the chief.
    data: The `cifar10.DataSet` to train on.
  """
  is_chief = task_index == 0
  num_workers = cluster.num_tasks('worker')
  worker_device = '/job:worker/task:%d' % task_index
  with tf.Graph().as_default():
    # Worker i draws from --seed + i: one seed for all would have every
    # worker read the same images, distorted alike, in the same order.
    cifar10_runtime.seed_graph(
        None if FLAGS.seed is None else FLAGS.seed + task_index)
    train_op, loss, opt, worker_steps = sync_train_op(cluster, task_index,
                                                        data)
    global_step = tf.compat.v1.train.get_global_step()
    done = tf.group(*[q.enqueue(task_index)
                      for q in cifar10_replicas.done_queues(cluster)])

    # The chief saves the variables from its own CPU, so the checkpoint is
    # written on its machine (the default would write a shard on each
    # parameter server, under the same path but on their disks).
    with tf.device(worker_device + '/cpu:0'):
      saver = tf.compat.v1.train.Saver(save_relative_paths=True)
    scaffold = tf.compat.v1.train.Scaffold(saver=saver)

    step_after = cifar10_runtime.step_after(train_op)
    watchdog = cifar10_replicas.Watchdog(cluster, task_index, worker_steps,
                                         FLAGS.fault_timeout_secs)
    hooks = [opt.make_session_run_hook(is_chief),
             tf.compat.v1.train.StopAtStepHook(last_step=FLAGS.max_steps),
             # The chief's NaN check also unlists diverged checkpoints.
             (cifar10_runtime.NanLossHook(step_after, loss, FLAGS.train_dir)
              if is_chief else tf.compat.v1.train.NanTensorHook(loss)),
             cifar10_runtime.LoggerHook(
                 step_after, loss, FLAGS.batch_size * num_workers,
                 FLAGS.log_frequency, num_towers=num_workers),
             watchdog]
    # Only the parameter servers and this worker: the others may come and go.
    config = tf.compat.v1.ConfigProto(
        allow_soft_placement=True,
        log_device_placement=FLAGS.log_device_placement,
        device_filters=['/job:ps', worker_device])
    # The chief holds --train_dir while it trains, as cifar10-train does:
    # its lock, and a checkpoint that will restore (refused otherwise, rather
    # than started over); the session then restores it by name.
    held = contextlib.ExitStack()
    if is_chief:
      held.enter_context(cifar10_runtime.held_train_dir(
          FLAGS.train_dir, FLAGS.fresh_start, FLAGS.fall_back_checkpoint))
    say('Worker %d of %d at %s%s.' % (
        task_index, num_workers, cluster.task_address('worker', task_index),
        ' (chief)' if is_chief else ''))

    local_steps = 0
    watchdog.start()
    try:
      if not is_chief:
        cifar10_replicas.wait_for_chief(server.target, config, task_index)
      # What MonitoredTrainingSession would build, with sessions that run
      # rejected steps again.
      if is_chief:
        creator = tf.compat.v1.train.ChiefSessionCreator(
            scaffold=scaffold, master=server.target, config=config,
            checkpoint_dir=FLAGS.train_dir)
        hooks += [
            tf.compat.v1.train.SummarySaverHook(
                save_steps=FLAGS.save_summaries_steps,
                output_dir=FLAGS.train_dir, scaffold=scaffold),
            cifar10_runtime.CheckpointSaverHook(
                FLAGS.train_dir, scaffold=scaffold,
                **cifar10_flags.checkpoint_schedule(
                    FLAGS['save_checkpoint_secs'],
                    FLAGS['save_checkpoint_steps'], 'steps'))]
      else:
        creator = tf.compat.v1.train.WorkerSessionCreator(
            scaffold=scaffold, master=server.target, config=config)
      creator = cifar10_replicas.RetryingSessionCreator(creator)
      with tf.compat.v1.train.MonitoredSession(
          session_creator=creator, hooks=hooks,
          # At the end the chief's aggregating thread waits for gradients
          # that will not come; only closing the session ends that wait.
          stop_grace_period_secs=5) as mon_sess:
        while not mon_sess.should_stop():
          mon_sess.run(train_op)
          local_steps += 1
      with cifar10_replicas.RetryingSession(server.target,
                                            config=config) as sess:
        step = sess.run(global_step)
        # Workers also stop when the chief closes the queue of step tokens:
        # at --max_steps, or earlier if it fails.
        if step < FLAGS.max_steps:
          sys.exit(error_line('training ended at global step %d, before '
                          '--max_steps=%d, because the chief stopped (see its '
                          'output). %s' % (step, FLAGS.max_steps,
                                           RESTART_JOB)))
        # Last, so that the parameter servers exit after the chief's final
        # checkpoint.
        sess.run(done)
    except (cifar10_replicas.SessionLostError, tf.errors.OpError) as e:
      lost = watchdog.lost_peer()
      if lost:
        sys.exit(error_line('lost %s at %s: it refuses connections (%s). %s' % (
            lost[0], lost[1], type(e).__name__, RESTART_JOB)))
      if not isinstance(e, cifar10_replicas.SessionLostError):
        raise
      sys.exit(error_line(
          'a step failed with an error that TensorFlow takes for a preemption '
          '(an aborted request, or a task out of reach), and a new session '
          'cannot train with the input queues that closing this one has '
          'closed. %s' % (RESTART_JOB if is_chief else
                          'Restart this worker with the same flags: it joins '
                          'the others again.')))
    finally:
      watchdog.stop()
      held.close()
  rejected = creator.rejected_steps()
  say('Worker %d stopped at global step %d after %d local steps%s%s.' % (
      task_index, step, local_steps,
      '; checkpoint in %s' % FLAGS.train_dir if is_chief else '',
      '; %d step%s rejected by the gRPC runtime and run again'
      % (rejected, '' if rejected == 1 else 's') if rejected else ''))


def serve(server, cluster, task_index):
  """Runs parameter server `task_index` until every worker has finished.

  Args:
    server: This task's `tf.distribute.Server`.
    cluster: `tf.train.ClusterSpec`.
    task_index: Index of this parameter server.
  """
  workers = cluster.job_tasks('worker')
  with tf.Graph().as_default():
    dequeue = cifar10_replicas.done_queues(cluster)[task_index].dequeue()
    config = tf.compat.v1.ConfigProto(
        device_filters=['/job:ps/task:%d' % task_index])
    wait = tf.compat.v1.RunOptions(
        timeout_in_ms=FLAGS.fault_timeout_secs * 1000)
    say('Parameter server %d at %s: serving until all %d workers have '
         'finished.' % (task_index, cluster.task_address('ps', task_index),
                        len(workers)))
    waiting = set(range(len(workers)))
    with cifar10_replicas.RetryingSession(server.target, config=config) as sess:
      while waiting:
        try:
          worker = sess.run(dequeue, options=wait)
        except tf.errors.DeadlineExceededError:
          # Only once a worker has finished is a late one news.
          if len(waiting) < len(workers):
            say('Parameter server %d: waiting for %s to finish.' % (
                task_index, ', '.join('worker %d at %s' % (i, workers[i])
                                      for i in sorted(waiting))))
          continue
        waiting.discard(worker)
        say('Parameter server %d: worker %d has finished.'
             % (task_index, worker))
  say('Parameter server %d: all workers have finished.' % task_index)


def main(argv=None):  # pylint: disable=unused-argument
  tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)
  if FLAGS.deterministic:
    sys.exit(error_line(
        '--deterministic is for cifar10-train and cifar10-multi-gpu-train: '
        'here each step sums the gradients of the workers in the order they '
        'arrive and drops late ones, which no seed repeats. --seed alone is '
        'taken'))
  try:
    cluster, job_name, task_index = cluster_and_task()
  except ClusterError as e:
    sys.exit(error_line(str(e)))
  try:
    server = tf.distribute.Server(cluster, job_name=job_name,
                                  task_index=task_index)
  except tf.errors.OpError as e:
    sys.exit(error_line('could not start the %s %d server at %s (%s): is the '
                    'port taken?' % (job_name, task_index,
                                     cluster.task_address(job_name, task_index),
                                     e.message)))
  if job_name == 'ps':
    serve(server, cluster, task_index)
  else:
    with cifar10_runtime.clean_exit():
      # Only the chief writes --train_dir.
      if task_index == 0:
        cifar10_prepare.make_output_dir(FLAGS.train_dir, 'train_dir')
      cifar10_runtime.say_slow_settings()
      cifar10.maybe_download_and_extract()
      train(server, cluster, task_index, cifar10.data_set())


# What --help shows: how to call the command, and its flags by group.
USAGE = 'cifar10-distributed-train [flags]'
HELP_GROUPS = (('Cluster', 'cifar10_distributed_train'),
               ('Training', 'cifar10_flags'), ('Model', 'cifar10'),
               ('Input', 'cifar10_input'), ('Data', 'cifar10_data'))


def run():
  """Console entry point `cifar10-distributed-train`."""
  app.run(main, flags_parser=cifar10_flags.parser(
      USAGE, __doc__, HELP_GROUPS))


if __name__ == '__main__':
  run()
