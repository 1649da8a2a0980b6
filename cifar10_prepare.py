# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""What a script prepares before it builds a graph.

* `configure_environment()`: the settings TensorFlow reads once, as it loads;
  `load_tensorflow()` sets them, then loads TensorFlow without the lines
  its C++ code prints before its logging is set up. Every script calls it
  on its first lines.
* `UserError` and `DataError`: the errors a user can fix, each ending a script
  with one line (see `cifar10_runtime.clean_exit`).
* `check_folder_flag()`, `check_file_flag()`: a path flag that names the
  wrong kind of thing is refused before any work.
* `make_output_dir()`: proves a folder can be written before hours are spent;
  `make_folders()` and `remove_empty_folders()`: a script that fails leaves
  no empty folder of its own making behind.

This module does not import TensorFlow, so that the environment can be set up
before TensorFlow loads.
"""

import contextlib
import os
import stat
import sys
import tempfile

# Read by TensorFlow as it loads; a value already in the environment wins.
TENSORFLOW_ENVIRONMENT = {
    # Hide TensorFlow's C++ info and warning lines, such as "Enqueue
    # operation was cancelled" each time the input queues close.
    'TF_CPP_MIN_LOG_LEVEL': '2',
    # oneDNN kernels. TensorFlow enables them by itself on some CPUs only;
    # they make the training step 2 to 2.5 times faster on the CPUs measured
    # (README, Speed). TF_ENABLE_ONEDNN_OPTS=0 in the environment opts out.
    'TF_ENABLE_ONEDNN_OPTS': '1',
}


class UserError(Exception):
  """A failure the user can fix: the message says what and how, in one line."""


class DataError(UserError):
  """The data set is missing, unreadable or malformed; the message names the
  file and the fix."""


def configure_environment(environ=None):
  """Puts TensorFlow's load-time settings into the environment.

  TensorFlow reads these variables once, when it is first imported, so a
  script calls this before its own `import tensorflow`. Values the user has
  set are kept.

  Args:
    environ: The mapping to update; `os.environ` if None.

  Returns:
    True if TensorFlow was not loaded yet (the settings take effect), False
    if it was (they only reach processes started from here on).
  """
  environ = os.environ if environ is None else environ
  for name, value in TENSORFLOW_ENVIRONMENT.items():
    environ.setdefault(name, value)
  return 'tensorflow' not in sys.modules


# Lines that TensorFlow's C++ code prints as it loads, before its logging is
# set up (so TF_CPP_MIN_LOG_LEVEL cannot hide them), and that ask nothing of
# the user: absl's notice, oneDNN's, the CPU-instructions notice, and those
# of a GPU-capable build on a machine without a GPU (CUDA's; from
# TensorFlow 2.16, also the cuDNN, cuFFT and cuBLAS factories registered
# twice and TensorRT not found).
LOAD_NOISE = ('All log messages before absl::InitializeLog() is called',
              'oneDNN custom operations are on',
              'Could not find cuda drivers on your machine',
              'failed call to cuInit',
              'TensorFlow binary is optimized to use available CPU',
              'To enable the following instructions',
              'Unable to register cuDNN factory',
              'Unable to register cuFFT factory',
              'Unable to register cuBLAS factory',
              'TF-TRT Warning: Could not find TensorRT')


def load_lines_to_show(lines):
  """The lines of TensorFlow's loading worth showing: all but LOAD_NOISE.

  Args:
    lines: What its C++ code wrote to stderr while it loaded, a line each
      (with or without the line break).

  Returns:
    The lines that match none of LOAD_NOISE, in order.
  """
  return [line for line in lines
          if not any(noise in line for noise in LOAD_NOISE)]


@contextlib.contextmanager
def native_stderr(lines):
  """Holds back what native code writes to stderr (file descriptor 2)
  meanwhile; its lines are appended to `lines` at the end of the block."""
  sys.stderr.flush()
  saved = os.dup(2)
  with tempfile.TemporaryFile() as held:
    os.dup2(held.fileno(), 2)
    try:
      yield
    finally:
      os.dup2(saved, 2)
      os.close(saved)
      held.seek(0)
      lines.extend(held.read().decode('utf-8', 'replace').splitlines(True))


def load_tensorflow():
  """Sets the environment, then imports TensorFlow without its load noise.

  Every script calls it on its first lines. What TensorFlow's C++ code
  writes to stderr while it loads and looks for GPUs is held back; each
  line that is not in LOAD_NOISE is passed on, so a real problem still
  shows.

  Returns:
    The tensorflow module.
  """
  configure_environment()
  lines = []
  try:
    with native_stderr(lines):
      import tensorflow as tf  # pylint: disable=g-import-not-at-top
      tf.config.list_physical_devices('GPU')  # CUDA speaks now, once.
  finally:
    sys.stderr.writelines(load_lines_to_show(lines))
    sys.stderr.flush()
  return tf


def one_line(error):
  """The text of an exception, or of its OS reason, folded onto one line."""
  text = (getattr(error, 'message', None) or getattr(error, 'strerror', None)
          or getattr(error, 'reason', None) or error)
  return ' '.join(str(text).split())


def op_error_reason(error):
  """An op's own reason for failing, from the error of a failed `sess.run`.

  Graph-mode errors open with 'Graph execution error:' and where the op was
  made; the reason comes after them.
  """
  lines = [line.strip() for line in (error.message or str(error)).splitlines()]
  reasons = [line for line in lines if line and not line.startswith(
      ('Graph execution error', 'Detected at node', 'File "', 'Node:', '[['))]
  return reasons[-1] if reasons else one_line(error)


def _what_is(path):
  """'a file', 'a FIFO', ... : what stands at `path`, in words."""
  mode = os.stat(path).st_mode
  for test, name in ((stat.S_ISDIR, 'a folder'), (stat.S_ISREG, 'a file'),
                     (stat.S_ISFIFO, 'a FIFO'), (stat.S_ISSOCK, 'a socket'),
                     (stat.S_ISCHR, 'a device'), (stat.S_ISBLK, 'a device')):
    if test(mode):
      return name
  return 'not a folder'


def check_folder_flag(flag_name, path):
  """Refuses a folder flag that names something else.

  A folder that does not exist yet is fine (scripts create the ones they
  write, and wait for the ones training will write).

  Args:
    flag_name: The flag, for the message.
    path: Its value; URLs such as gs://... are not checked.

  Raises:
    UserError: `path` is a dangling symbolic link, or exists and is not a
      folder.
  """
  if '://' in path:
    return
  if os.path.islink(path) and not os.path.exists(path):
    raise UserError('--%s=%s is a symbolic link to %s, which does not exist: '
                    'fix the link or point --%s at a folder'
                    % (flag_name, path, os.readlink(path), flag_name))
  if os.path.exists(path) and not os.path.isdir(path):
    raise UserError('--%s=%s is %s, not a folder: point --%s at a folder'
                    % (flag_name, path, _what_is(path), flag_name))


def file_problem(path):
  """What keeps `path` from being read as a plain file, or None.

  Reading a FIFO blocks for ever and reading a folder fails, so commands
  ask this before they open a file they were given or expect.

  Returns:
    None for a plain file (or a link to one); otherwise 'missing', 'a
    symbolic link to X, which does not exist', or 'a FIFO, not a file' and
    the like.
  """
  if not os.path.exists(path):
    return ('a symbolic link to %s, which does not exist' % os.readlink(path)
            if os.path.islink(path) else 'missing')
  if not os.path.isfile(path):
    return '%s, not a file' % _what_is(path)
  return None


def check_file_flag(flag_name, path):
  """Refuses a file flag that names anything but an existing plain file.

  Raises:
    UserError: `path` is missing, a dangling link, a folder, a FIFO, ...
  """
  problem = file_problem(path)
  if problem:
    raise UserError('--%s=%s is %s: point --%s at the file'
                    % (flag_name, path, problem, flag_name))


def make_folders(path):
  """Creates a local folder and any missing parents, as `os.makedirs`.

  Args:
    path: The folder; it may exist already.

  Returns:
    The folders this call created, outermost first (empty if it existed).

  Raises:
    OSError: a folder cannot be created.
  """
  missing = []
  head = os.path.abspath(path)
  while not os.path.lexists(head):
    missing.append(head)
    head = os.path.dirname(head)
  os.makedirs(path, exist_ok=True)
  return [folder for folder in reversed(missing) if os.path.isdir(folder)]


def remove_empty_folders(folders):
  """Removes those of `folders` (outermost first) that are empty, innermost
  first, so that a folder made only to hold another goes too."""
  for folder in reversed(folders):
    try:
      os.rmdir(folder)
    except OSError:
      pass  # Not empty (or gone): it stays as it is.


# The output folders this process created (`make_output_dir`), outermost
# first; `cifar10_runtime.clean_exit` removes those still empty when a script
# fails.
FOLDERS_MADE = []


def remove_empty_folders_made():
  """Removes the output folders this process created that are still empty."""
  remove_empty_folders(FOLDERS_MADE)
  del FOLDERS_MADE[:]


def make_output_dir(path, flag_name):
  """Creates a folder that a script writes to, or says why it cannot.

  The folders it creates are noted in FOLDERS_MADE, so that a script that
  fails before writing anything there leaves no empty folder behind.

  Args:
    path: The folder; a URL such as gs://bucket/dir is created, not probed.
    flag_name: The flag that named it, for the message.

  Raises:
    UserError: the folder cannot be created or written.
  """
  check_folder_flag(flag_name, path)
  try:
    if '://' in path:
      import tensorflow as tf  # pylint: disable=g-import-not-at-top
      tf.io.gfile.makedirs(path)
      return
    FOLDERS_MADE.extend(make_folders(path))
    tempfile.TemporaryFile(dir=path).close()  # Writable, not only present.
  except Exception as e:  # pylint: disable=broad-except
    raise UserError('cannot create --%s=%s (%s): choose a folder you can '
                    'write to' % (flag_name, path, one_line(e)))
