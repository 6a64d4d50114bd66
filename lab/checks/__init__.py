"""One check per exercise (setup, run, verify): how ``gevent-lab check`` grades it.

See lab.grading.contract for what a check defines, and lab/exercises.toml for what each
exercise is. ``pytest lab/checks`` runs them as tests (lab/checks/conftest.py).
"""
