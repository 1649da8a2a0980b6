# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Checkpoints: finding them, checking that they fit, and polling for new ones.

* `resume_checkpoint`: the checkpoint a trainer resumes from, checked before
  anything is restored; never a silent fresh start.
* `checkpoint_to_read`, `restore_checked`: the same care for the commands
  that read a trained model (evaluate, predict, export), with their flags
  --checkpoint_dir and --checkpoint_path.
* `unlist_checkpoints_from`: takes checkpoints out of the `checkpoint` list
  (after a NaN) without deleting their files.
* `poll_checkpoints`: the evaluator's loop, each new complete checkpoint
  once.

Everything takes its settings as arguments, so tests can call it directly.
"""

from datetime import datetime
import os
import re
import sys
import time

import numpy as np
import tensorflow as tf

import cifar10_data
from cifar10_prepare import check_folder_flag
from cifar10_prepare import one_line
from cifar10_prepare import UserError

FLAGS = tf.compat.v1.flags.FLAGS


class CheckpointError(UserError):
  """A checkpoint cannot be read, or does not fit the model; the message
  names it and the choices."""


def checkpoint_step(path):
  """The global step stored in the checkpoint at `path`."""
  return int(tf.train.load_variable(path, 'global_step'))


def unlist_checkpoints_from(train_dir, step):
  """Drops checkpoints of global step >= `step` from the `checkpoint` file.

  Their files stay on disk, but neither a resumed run nor the evaluator sees
  them any more.

  Args:
    train_dir: The training folder.
    step: The first step whose weights are not to be used.

  Returns:
    Path of the newest checkpoint still listed, or None.
  """
  state = tf.train.get_checkpoint_state(train_dir)
  listed = list(state.all_model_checkpoint_paths) if state else []
  kept = [path for path in listed if checkpoint_step(path) < step]
  if kept != listed:
    if kept:
      tf.compat.v1.train.update_checkpoint_state(
          train_dir, kept[-1], all_model_checkpoint_paths=kept)
    else:
      tf.io.gfile.remove(os.path.join(train_dir, 'checkpoint'))
  return kept[-1] if kept else None


def restore_map(checkpoint_names, variables):
  """Which checkpoint entry restores each variable.

  Entries have the variable's own name, except in checkpoints written by
  the multi-tower trainer before loss averages had tower-free names: there
  `cross_entropy/avg` was `tower_N/cross_entropy/avg`, and the last tower's
  (the one TensorBoard showed) is taken.

  Args:
    checkpoint_names: The names a checkpoint holds.
    variables: The variables to restore.

  Returns:
    Dict {name in the checkpoint: variable}.
  """
  mapping = {}
  for var in variables:
    name = var.op.name
    if name not in checkpoint_names:
      towers = [n for n in checkpoint_names
                if re.fullmatch(r'tower_\d+/' + re.escape(name), n)]
      if towers:
        name = max(towers, key=lambda n: int(n.split('/')[0][6:]))
    mapping[name] = var
  return mapping


def checkpoint_problem(path, var_map):
  """What keeps the checkpoint at `path` from restoring `var_map`.

  Reads every tensor that would be restored, so a truncated file shows here
  rather than halfway through a restore.

  Args:
    path: The checkpoint's path (without .index).
    var_map: {name in the checkpoint: variable}, as from `restore_map`.

  Returns:
    None if it restores; otherwise what is wrong, in words.
  """
  try:
    reader = tf.train.load_checkpoint(path)
    shapes = reader.get_variable_to_shape_map()
    dtypes = reader.get_variable_to_dtype_map()
  except Exception as e:  # pylint: disable=broad-except
    # Damaged files fail in many ways (OpError, RuntimeError, IndexError).
    return 'it cannot be read (%s)' % one_line(e)
  for name, var in sorted(var_map.items()):
    if name not in shapes:
      return 'it holds no %s, so it is not a checkpoint of this model' % name
    if shapes[name] != var.shape.as_list():
      if (name.startswith('softmax_linear/') and
          shapes[name][:-1] == var.shape.as_list()[:-1]):
        return _class_count_problem(shapes[name][-1],
                                    var.shape.as_list()[-1])
      return ('it holds %s of shape %s where the model has %s: it was '
              'written by a model of other shapes' % (
                  name, shapes[name], var.shape.as_list()))
    if dtypes[name] != var.dtype.base_dtype:
      return ('it holds %s in %s where the model has %s: give --use_fp16 '
              'the value the training had' % (
                  name, dtypes[name].name, var.dtype.base_dtype.name))
  try:
    values = {name: reader.get_tensor(name) for name in var_map}
  except Exception as e:  # pylint: disable=broad-except
    return 'its data cannot be read (%s)' % one_line(e)
  for name, value in sorted(values.items()):
    if value.dtype.kind == 'f' and not np.isfinite(value).all():
      return ('its %s holds NaN or infinite values: training had diverged '
              'when it was saved; use an earlier checkpoint' % name)
  return None


def _class_count_problem(trained, here):
  """What to type when a checkpoint has `trained` logits and the data
  the flags select has `here` classes."""
  cifar100 = cifar10_data.CIFAR100_NUM_CLASSES  # Of each --label.
  if trained == len(cifar10_data.CLASS_NAMES) and FLAGS.dataset == 'cifar100':
    fix = 'drop --dataset=cifar100 (and --label): it is a CIFAR-10 model'
  elif trained in cifar100.values() and FLAGS.dataset == 'cifar10':
    fix = 'add --dataset=cifar100%s' % (
        ' --label=coarse' if trained == cifar100['coarse'] else '')
  else:
    fix = 'give the --dataset, --label and --data_dir it was trained with'
  return 'it was trained for %d classes and the data here has %d: %s' % (
      trained, here, fix)


def checkpoint_to_read(checkpoint_dir, checkpoint_path=None):
  """The checkpoint a command that reads a trained model should use.

  Args:
    checkpoint_dir: A train_dir; its newest listed checkpoint is used...
    checkpoint_path: ...unless this names one (a path without suffix).

  Returns:
    The checkpoint's path prefix.

  Raises:
    UserError: there is no such checkpoint.
  """
  if checkpoint_path:
    if not tf.io.gfile.exists(checkpoint_path + '.index'):
      raise UserError(
          'no checkpoint at --checkpoint_path=%s (%s.index does not exist): '
          'give the path of a checkpoint without its .index or .data suffix, '
          'such as %s' % (checkpoint_path, checkpoint_path,
                          os.path.join(checkpoint_dir, 'model.ckpt-1000')))
    return checkpoint_path
  paths, problem = reader_checkpoints(checkpoint_dir)
  paths = [p for p in paths if tf.io.gfile.exists(p + '.index')]
  if problem and paths:
    print('%s; using the checkpoints in %s itself.' % (problem,
                                                       checkpoint_dir))
  newest = paths[-1] if paths else None
  if not newest:
    raise UserError(
        'no checkpoint in --checkpoint_dir=%s: train a model first '
        '(cifar10-train --train_dir=%s), or point --checkpoint_dir at a '
        'train_dir or --checkpoint_path at a checkpoint'
        % (checkpoint_dir, checkpoint_dir))
  return newest


def check_reader_flags():
  """Refuses a --checkpoint_dir or --checkpoint_path that cannot be read,
  before a command that reads a trained model does any work."""
  check_folder_flag('checkpoint_dir', FLAGS.checkpoint_dir)
  if FLAGS.checkpoint_path:
    checkpoint_to_read(FLAGS.checkpoint_dir, FLAGS.checkpoint_path)


def restore_checked(sess, checkpoint_path, var_map):
  """Restores a checkpoint for a command that reads a trained model.

  The checkpoint is checked first, so that one of another model, or a
  damaged one, is refused with a line that says what is wrong with it.

  Args:
    sess: The session to restore into.
    checkpoint_path: The checkpoint.
    var_map: {name in the checkpoint: variable}; for the moving averages,
      `ExponentialMovingAverage.variables_to_restore()`.

  Returns:
    The checkpoint's global step.

  Raises:
    CheckpointError: the checkpoint cannot be read or does not fit.
  """
  problem = checkpoint_problem(checkpoint_path, var_map)
  if problem and problem.startswith('it was trained for'):
    raise CheckpointError('cannot use %s: %s' % (checkpoint_path, problem))
  if problem:
    raise CheckpointError(
        'cannot use %s: %s. Point --checkpoint_dir at a train_dir of this '
        'model (or --checkpoint_path at one of its checkpoints), or go back '
        'to the cifar10.py that trained it' % (checkpoint_path, problem))
  tf.compat.v1.train.Saver(var_map).restore(sess, checkpoint_path)
  try:
    return checkpoint_step(checkpoint_path)
  except tf.errors.NotFoundError:  # Written without a global step.
    return 0


def _checkpoint_state(checkpoint_dir):
  """The parsed `checkpoint` file of a folder, or None (absent or garbage)."""
  try:
    return tf.train.get_checkpoint_state(checkpoint_dir)
  except ValueError:
    return None


def _listed_checkpoints(train_dir):
  """Checkpoints to consider for resuming, newest first (see
  `reader_checkpoints`); a moved folder's own are used, with a line.

  Raises:
    CheckpointError: the state file exists but cannot be parsed.
  """
  state_file = os.path.join(train_dir, 'checkpoint')
  if (tf.io.gfile.exists(state_file) and
      _checkpoint_state(train_dir) is None):
    raise CheckpointError(
        'cannot resume: %s, the list of checkpoints, cannot be parsed. '
        'Choose one: --fall_back_checkpoint to resume from the newest '
        'checkpoint there that reads; point --train_dir at another folder; '
        'or --fresh_start to delete everything in %s and start over. Nothing '
        'was changed' % (state_file, train_dir))
  paths, problem = reader_checkpoints(train_dir)
  if problem:
    print('%s; resuming from the checkpoints in the folder itself.' % problem)
  return list(reversed(paths))


def reader_checkpoints(checkpoint_dir):
  """The checkpoints of a train_dir for a reader, oldest first.

  The saver lists a checkpoint in the `checkpoint` file once its files are
  complete. When that file cannot be parsed, or lists no checkpoint that is
  there (the folder was copied or moved, and the list holds the old
  paths), the checkpoints whose files are in the folder are used instead.

  Args:
    checkpoint_dir: The training folder.

  Returns:
    (paths, problem): the checkpoints, oldest first; and None, or what is
    wrong with the list, in words, when the folder's own are used.
  """
  state = _checkpoint_state(checkpoint_dir)
  listed = [] if state is None else list(state.all_model_checkpoint_paths or
                                         [state.model_checkpoint_path])
  state_file = os.path.join(checkpoint_dir, 'checkpoint')
  if (not tf.io.gfile.exists(state_file) or
      any(tf.io.gfile.exists(p + '.index') for p in listed)):
    return listed, None
  found = list(reversed(_all_checkpoints(checkpoint_dir)))
  if not found:
    return listed, None
  if state is None:
    return found, '%s, the list of checkpoints, cannot be parsed' % state_file
  return found, ('%s lists no checkpoint that is there (the newest: %s), as '
                 'when the folder was copied or moved' % (state_file,
                                                          listed[-1]))


def _all_checkpoints(train_dir):
  """Every checkpoint whose index file is in `train_dir`, newest first."""
  found = []
  for name in tf.io.gfile.listdir(train_dir):
    match = re.fullmatch(r'(model\.ckpt-(\d+))\.index', name)
    if match:
      found.append((int(match.group(2)),
                    os.path.join(train_dir, match.group(1))))
  return [path for _, path in sorted(found, reverse=True)]


def resume_checkpoint(train_dir, variables, fall_back=False):
  """Finds the checkpoint to resume from, and checks that it restores.

  Never starts over unasked: a `checkpoint` file that cannot be parsed, a
  listed checkpoint whose files are missing or damaged, or one written by a
  model of other shapes, is an error that names it and the choices. With
  `fall_back`, the newest checkpoint that restores is used instead, and the
  newer ones are unlisted (their files stay).

  Args:
    train_dir: The training folder.
    variables: The variables a resumed run restores.
    fall_back: Whether to fall back past checkpoints that do not restore.

  Returns:
    (path, var_map): the checkpoint and {name in it: variable}; (None, None)
    when there is none.

  Raises:
    CheckpointError: the newest checkpoint does not restore (without
      `fall_back`), or none does (with it).
  """
  try:
    candidates = _listed_checkpoints(train_dir)
  except CheckpointError:
    if not fall_back:
      raise
    candidates = _all_checkpoints(train_dir)
  problems = []
  for path in candidates:
    try:
      names = set(tf.train.load_checkpoint(path).get_variable_to_shape_map())
    except Exception:  # pylint: disable=broad-except
      names = set()  # checkpoint_problem says why.
    var_map = restore_map(names, variables)
    problem = (checkpoint_problem(path, var_map) if tf.io.gfile.exists(
        path + '.index') else 'its files are missing')
    if problem is None:
      break
    problems.append((path, problem))
    if not fall_back:
      raise CheckpointError(
          'cannot resume from %s: %s. Choose one: --fall_back_checkpoint to '
          'resume from the newest earlier checkpoint that reads; point '
          '--train_dir at another folder; or --fresh_start to delete '
          'everything in %s and start over. Nothing was changed'
          % (path, problem, train_dir))
  else:
    if problems:
      raise CheckpointError(
          'no checkpoint in %s restores (the newest, %s: %s): point '
          '--train_dir at another folder, or --fresh_start to delete '
          'everything there and start over' % ((train_dir,) + problems[0]))
    return None, None
  for bad, problem in problems:
    print('Skipping %s: %s.' % (bad, problem))
  if problems:
    kept = [p for p in reversed(candidates) if p not in dict(problems)]
    tf.compat.v1.train.update_checkpoint_state(
        train_dir, path, all_model_checkpoint_paths=kept)
  print('Resuming from %s at step %d.' % (path, checkpoint_step(path)))
  return path, var_map


def new_checkpoints(checkpoint_dir, evaluated_steps, vanished):
  """Lists the checkpoints of `checkpoint_dir` not evaluated yet, oldest first.

  Only complete checkpoints count (see `reader_checkpoints`), so none is
  read half-written.

  Args:
    checkpoint_dir: The training folder.
    evaluated_steps: {global step: the time it was evaluated, or None
      when unknown}; a checkpoint of that step written since then, by a run
      started over, counts as new.
    vanished: Paths found gone before they could be read, and problems of
      the list already said; updated, and each is reported once.

  Returns:
    List of (global step, path) pairs.
  """
  paths, problem = reader_checkpoints(checkpoint_dir)
  if problem and problem not in vanished:
    vanished.add(problem)  # Said once.
    print('%s; using the checkpoints in %s itself.' % (problem,
                                                       checkpoint_dir))
  found = []
  for path in paths:
    if path in vanished:
      continue
    try:
      step = checkpoint_step(path)
      written = tf.io.gfile.stat(path + '.index').mtime_nsec / 1e9
    except (tf.errors.NotFoundError, tf.errors.DataLossError, ValueError):
      report_vanished(path, vanished)
      continue
    if not _evaluated(evaluated_steps, step, written):
      found.append((step, path))
  return sorted(found)


def _evaluated(evaluated, step, written):
  """Whether the checkpoint of `step`, written at time `written`, is done:
  evaluated after it was written, or at a time unknown (None). One written
  later, by a run started over, is new."""
  if step not in evaluated:
    return False
  return evaluated[step] is None or written <= evaluated[step]


def evaluation_times(eval_dir):
  """{global step: when it was evaluated} from an eval_dir's event files."""
  return {step: wall_time for step, _, wall_time in
          read_scalars(eval_dir, 'Precision @ 1', with_times=True)}


def read_scalars(event_dir, tag, with_times=False):
  """[(step, value)] of a scalar summary in the event files of a folder;
  [(step, value, wall time)] `with_times`."""
  found = []
  if not tf.io.gfile.isdir(event_dir):
    return found
  for name in sorted(tf.io.gfile.listdir(event_dir)):
    if 'tfevents' not in name:
      continue
    events = tf.compat.v1.train.summary_iterator(
        os.path.join(event_dir, name))
    try:
      for event in events:
        for value in event.summary.value:
          if value.tag == tag:
            found.append((event.step, value.simple_value, event.wall_time)
                         if with_times else (event.step, value.simple_value))
    except tf.errors.DataLossError:
      pass  # The last record is still being written (or was cut short).
  return found


def poll_checkpoints(checkpoint_dir, interval_secs, evaluate, done_steps):
  """Evaluates each new checkpoint of `checkpoint_dir` once, for ever.

  Says plainly when it is waiting. A checkpoint that vanished before it
  could be read (training keeps five) or that `evaluate` refuses with a
  CheckpointError is reported, skipped, and polling goes on.

  Args:
    checkpoint_dir: The training folder.
    interval_secs: Seconds between looks.
    evaluate: Called with each checkpoint's path.
    done_steps: {global step: when it was evaluated} of the checkpoints
      not to evaluate again (see `new_checkpoints`); updated.
  """
  vanished = set()
  waiting = False
  while True:
    pending = new_checkpoints(checkpoint_dir, done_steps, vanished)
    if not pending and not waiting:
      print('%s: waiting for a new checkpoint in %s (looking every %d s)'
            % (datetime.now(), checkpoint_dir, interval_secs))
      sys.stdout.flush()
    waiting = not pending
    for step, path in pending:
      try:
        evaluate(path)
      except CheckpointError as e:
        if tf.io.gfile.exists(path + '.index'):
          print('%s; skipping it.' % e)
          sys.stdout.flush()
        else:
          report_vanished(path, vanished)
      except (tf.errors.NotFoundError, tf.errors.DataLossError, ValueError):
        report_vanished(path, vanished)
      done_steps[step] = time.time()
    time.sleep(interval_secs)


def report_vanished(path, vanished):
  """Says, once per path, that a listed checkpoint is gone."""
  if path not in vanished:
    vanished.add(path)
    print('Checkpoint %s was removed before it could be evaluated; skipping '
          'it.' % path)
    sys.stdout.flush()
