"""Celery tasks: thin wrappers that take ids and are safe to run twice."""

from celery import shared_task


@shared_task(ignore_result=True)
def embed_proposal(proposal_id: int) -> str:
    # numpy, scikit-learn and the model are loaded by the worker that embeds, not by every web process.
    from . import grouping, similarity

    done = similarity.embed_proposal(proposal_id)
    if done in ("stored", "kept"):
        grouping.place_new(proposal_id)  # reads the stored vectors only: well within a second
    return done
