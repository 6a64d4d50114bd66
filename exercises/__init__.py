"""Exercises the learner completes. Bài tập cho người học."""
