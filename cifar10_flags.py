# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""The flags that several commands share, each group defined once.

A command defines the groups it takes when it is imported: the trainers
`define_trainer_flags()`, the commands that read a trained model
`define_reader_flags()`, those that may replace their earlier output
`define_overwrite_flag()`; --seed (`define_seed_flag()`) is shared by the
trainers and cifar10-make-records. A group already defined is not defined
again, so tests can import every command into one process. The flags of
the model and its data are in cifar10.py, cifar10_input.py and
cifar10_data.py.

`parser()` makes each command's flags parser: its own --help, an honest
--helpfull, and one line for a bad flag.
"""

import os
import re
import sys
import textwrap

from absl import flags as absl_flags
import tensorflow as tf

from cifar10_prepare import UserError

FLAGS = tf.compat.v1.flags.FLAGS


def define_trainer_flags():
  """Defines the flags every trainer shares.

  The trainers call it when they are imported; the commands that only read
  a trained model do not, so these flags are not theirs. Calling it again
  does nothing.
  """
  if 'train_dir' in FLAGS:
    return
  tf.compat.v1.flags.DEFINE_string(
      'train_dir', '/tmp/cifar10_train',
      'Folder for the checkpoints and TensorBoard event files of training.')
  tf.compat.v1.flags.DEFINE_integer(
      'max_steps', 1000000, 'Global step at which training stops.',
      lower_bound=0)
  tf.compat.v1.flags.DEFINE_boolean(
      'fresh_start', False,
      'Delete everything in --train_dir and train from step 0. Without it, '
      'training resumes from the newest checkpoint there.')
  tf.compat.v1.flags.DEFINE_boolean(
      'fall_back_checkpoint', False,
      'When the newest checkpoint in --train_dir cannot be read, or does not '
      'fit the model, unlist it and resume from the newest one that can.')
  tf.compat.v1.flags.DEFINE_boolean(
      'log_device_placement', False,
      'Print the device that each operation is placed on.')
  tf.compat.v1.flags.DEFINE_integer(
      'log_frequency', 10, 'Print the step line every this many steps.',
      lower_bound=1)
  tf.compat.v1.flags.DEFINE_integer(
      'save_checkpoint_secs', 600,
      'Seconds between checkpoints: how cifar10_train.py saves unless '
      '--save_checkpoint_steps or --deterministic is given; the other '
      'trainers save by time only when this is given. One is also written '
      'at the last step.',
      lower_bound=1)
  tf.compat.v1.flags.DEFINE_integer(
      'save_checkpoint_steps', 1000,
      'Steps between checkpoints: how the multi-tower and distributed '
      'trainers save unless --save_checkpoint_secs is given; '
      'cifar10_train.py saves by steps when this or --deterministic is '
      'given.',
      lower_bound=1)
  tf.compat.v1.flags.DEFINE_integer(
      'save_summaries_steps', 100,
      'Steps between TensorBoard summaries.', lower_bound=1)
  define_seed_flag()
  tf.compat.v1.flags.DEFINE_boolean(
      'deterministic', False,
      'With --seed: train so that a second run with the same flags, on the '
      'same machine and TensorFlow, writes the same checkpoints bit for bit '
      'and prints the same losses. One thread then reads and distorts, in '
      'a fixed order, and checkpoints are saved by steps unless '
      '--save_checkpoint_secs is given. The distributed trainer refuses '
      'it.')
  tf.compat.v1.flags.register_multi_flags_validator(
      ['deterministic', 'seed'],
      lambda f: not f['deterministic'] or f['seed'] is not None,
      message='--deterministic needs --seed=N, the seed whose run it is to '
      'repeat')


def define_seed_flag():
  """Defines --seed, of the trainers and of cifar10-make-records. Calling
  it again does nothing."""
  if 'seed' in FLAGS:
    return
  tf.compat.v1.flags.DEFINE_integer(
      'seed', None,
      'Seed of the random draws. Trainers: it seeds every random op, so the '
      'initial weights and the order of the files follow from it; which '
      'image meets which distortion and place in the shuffle still depends '
      'on thread timing unless --deterministic is given. Without it every '
      'run draws anew. cifar10-make-records: the test split and the order '
      'of the records; without it, 0.')


def checkpoint_schedule(secs_flag, steps_flag, by_default):
  """When a trainer writes checkpoints: every so many seconds or steps.

  Each trainer has its own default, as in the tutorial: cifar10_train.py
  saves by time, the others by steps. The other flag, given on the command
  line, replaces it.

  Args:
    secs_flag: The --save_checkpoint_secs flag (its .value and .present).
    steps_flag: The --save_checkpoint_steps flag.
    by_default: 'secs' or 'steps'.

  Returns:
    {'save_secs': n} or {'save_steps': n}, for `CheckpointSaverHook`.

  Raises:
    UserError: both flags were given.
  """
  if secs_flag.present and steps_flag.present:
    raise UserError('--save_checkpoint_secs=%d and --save_checkpoint_steps=%d'
                    ' were both given: give one of them'
                    % (secs_flag.value, steps_flag.value))
  if secs_flag.present or (by_default == 'secs' and not steps_flag.present):
    return {'save_secs': secs_flag.value}
  return {'save_steps': steps_flag.value}


def define_reader_flags():
  """Defines the flags of the commands that read a trained model (evaluate,
  predict, export). Calling it again does nothing."""
  if 'checkpoint_dir' in FLAGS:
    return
  tf.compat.v1.flags.DEFINE_string(
      'checkpoint_dir', '/tmp/cifar10_train',
      'The --train_dir of the training to read; its newest checkpoint is '
      'used.')
  tf.compat.v1.flags.DEFINE_string(
      'checkpoint_path', None,
      'One checkpoint to read instead of the newest in --checkpoint_dir: its '
      'path without the .index or .data suffix, such as '
      '/tmp/cifar10_train/model.ckpt-1000.')


def define_overwrite_flag():
  """Defines --overwrite, of the commands that write into a folder that may
  hold their earlier output (export, make-records). Calling it again does
  nothing."""
  if 'overwrite' in FLAGS:
    return
  tf.compat.v1.flags.DEFINE_boolean(
      'overwrite', False,
      'Replace what an earlier run wrote there (cifar10-export: the version '
      'folder; cifar10-make-records: the record files), once the new output '
      'is complete. Without it, existing output is refused.')


# Help. absl's --help shows the flags of the __main__ module only, which
# for an installed command is a wrapper that defines none; --helpfull shows
# every flag of every module loaded, TensorFlow's own among them.

HELP_ARGS = ('-h', '-help', '--help', '-?', '--helpshort')
# absl's own flags that every command takes.
ABSL_BASICS = (
    '  --flagfile',
    '      A file of more flags, one a line, read as if typed here.',
    '  --undefok',
    '      Comma-separated names of flags to accept even though this command',
    '      does not define them.')


def _module_flags(module):
  """The flags `module` defined. absl files those of a script run as
  `python cifar10_train.py` under the command line's argv[0] instead."""
  flags = FLAGS.get_flags_for_module(module)
  main_file = getattr(sys.modules.get('__main__'), '__file__', None) or ''
  if not flags and os.path.basename(main_file) == module + '.py':
    flags = FLAGS.get_flags_for_module(sys.argv[0])
  return flags


def _flag_lines(flags):
  """One entry a flag: its name, default and help, wrapped."""
  lines = []
  for flag in sorted(flags, key=lambda f: f.name):
    default = ('' if flag.default_as_str is None else
               ' (default: %s)' % flag.default_as_str)
    lines.append('  --%s%s' % (flag.name, default))
    lines += textwrap.wrap(flag.help, 76, initial_indent='      ',
                           subsequent_indent='      ')
  return lines


def help_text(usage, doc, groups):
  """A command's --help: what it does, how to call it, and its flags.

  Args:
    usage: The command line form, such as 'cifar10-predict [flags] IMAGE...'.
    doc: The command's module docstring: what it does, with examples.
    groups: (title, module name) pairs; each group lists the flags that
      module defined, in that order.

  Returns:
    The text, ending with a pointer to --helpfull.
  """
  lines = ['usage: ' + usage, '', doc.strip(), '']
  for title, module in groups:
    flags = _module_flags(module)
    if flags:
      lines += ['%s:' % title] + _flag_lines(flags) + ['']
  lines.append('--helpfull lists every flag of the suite.')
  return '\n'.join(lines)


def helpfull_text():
  """Every flag of the suite's modules, by module, and absl's basics."""
  lines = []
  for module in sorted(FLAGS.flags_by_module_dict()):
    if os.path.basename(module).startswith('cifar10'):
      lines += ['%s:' % module] + _flag_lines(
          FLAGS.get_flags_for_module(module)) + ['']
  return '\n'.join(lines + ['absl:'] + list(ABSL_BASICS))


# How absl words a value that does not parse as the flag's type: a number
# flag given letters, a boolean given neither true nor false.
_UNPARSED = re.compile(
    r"flag --(\w+)=(.*?): (?:invalid literal for int\(\)|could not convert "
    r"string to float|\('Non-boolean argument)", re.S)


def value_error_text(error):
  """A flag error in the suite's words where the value does not parse.

  absl answers `--max_steps=ten` with Python's own words ("invalid literal
  for int() with base 10"); this names the flag, what kind of value it takes
  and an example. Other errors (a bound, a choice, an unknown flag) keep
  absl's words, which already say what is wrong.

  Args:
    error: The absl.flags.Error that parsing raised.

  Returns:
    One line.
  """
  text = ' '.join(str(error).split())
  match = _UNPARSED.match(text)
  if not match or match.group(1) not in FLAGS:
    return text
  name, value = match.groups()
  flag = FLAGS[name]
  kind = flag.flag_type()
  if kind == 'bool':
    return ('--%s=%s is neither true nor false: give --%s or --no%s'
            % (name, value, name, name))
  example = flag.default if flag.default is not None else 1
  return ('--%s=%s is not %s: write it in digits, such as --%s=%s'
          % (name, value, 'a whole number' if kind == 'int' else 'a number',
             name, example))


def parser(usage, doc, groups):
  """The flags parser of a command, for `app.run(main, flags_parser=...)`.

  --help and --helpfull print `help_text` and `helpfull_text` and exit; a
  bad flag ends the program in one line naming it (absl would add a
  second line and a usage dump).

  Args:
    usage, doc, groups: As for `help_text`.

  Returns:
    A function of the command line (program name first) that returns the
    arguments left once the flags are parsed.
  """
  def parse(argv):
    if any(arg in HELP_ARGS for arg in argv[1:]):
      print(help_text(usage, doc, groups))
      sys.exit(0)
    if '--helpfull' in argv[1:]:
      print(helpfull_text())
      sys.exit(0)
    try:
      return FLAGS(argv)
    except absl_flags.Error as e:
      sys.exit('%s: error: %s (--help lists the flags)'
               % (os.path.basename(argv[0]), value_error_text(e)))
  return parse
