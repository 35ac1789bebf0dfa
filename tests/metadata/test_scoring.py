"""Match scoring on the cases a real library has: remakes, sequels, articles, foreign titles."""

from __future__ import annotations

from reel_tui.engine.metadata.scoring import rank, title_similarity
from reel_tui.engine.metadata.types import Candidate, MatchQuery

THRESHOLD = 0.8


def movie(id_: str, title: str, year: int, original: str | None = None) -> Candidate:
    return Candidate("tmdb", id_, "movie", title, year, original_title=original)


def show(id_: str, title: str, year: int) -> Candidate:
    return Candidate("tmdb", id_, "show", title, year)


LION_KINGS = [movie("420818", "The Lion King", 2019), movie("8587", "The Lion King", 1994)]


def test_a_remake_is_told_apart_by_its_year() -> None:
    ranked = rank(MatchQuery("The Lion King", "movie", 1994), LION_KINGS)
    assert ranked[0].id == "8587" and ranked[0].confidence >= THRESHOLD
    assert ranked[1].confidence < THRESHOLD


def test_without_a_year_two_equal_titles_are_not_guessed() -> None:
    ranked = rank(MatchQuery("The Lion King", "movie"), LION_KINGS)
    assert ranked[0].confidence < THRESHOLD  # a coin flip is not a match


def test_a_sequel_is_not_its_original() -> None:
    candidates = [movie("862", "Toy Story", 1995), movie("863", "Toy Story 2", 1999)]
    ranked = rank(MatchQuery("Toy Story 2", "movie", 1999), candidates)
    assert ranked[0].id == "863" and ranked[0].confidence >= THRESHOLD
    sequel_less = rank(MatchQuery("Toy Story 2", "movie"), [movie("862", "Toy Story", 1995)])
    assert sequel_less[0].confidence < THRESHOLD


def test_roman_and_arabic_numbers_are_the_same_sequel() -> None:
    assert title_similarity("Rocky II", "Rocky 2") == 1.0


def test_articles_and_their_placement_do_not_matter() -> None:
    assert title_similarity("Matrix, The", "The Matrix") == 1.0
    assert title_similarity("Matrix", "The Matrix") == 1.0
    ranked = rank(MatchQuery("Matrix, The", "movie", 1999), [movie("603", "The Matrix", 1999)])
    assert ranked[0].confidence == 1.0


def test_foreign_titles_match_by_original_title_and_without_accents() -> None:
    amelie = movie("194", "Amélie", 2001, original="Le Fabuleux Destin d'Amélie Poulain")
    by_original = rank(MatchQuery("Le fabuleux destin d'Amelie Poulain", "movie", 2001), [amelie])
    by_plain = rank(MatchQuery("Amelie", "movie", 2001), [amelie])
    assert by_original[0].confidence >= THRESHOLD and by_plain[0].confidence >= THRESHOLD


def test_a_release_a_year_off_still_matches_a_clear_title() -> None:
    ranked = rank(MatchQuery("Amelie", "movie", 2002), [movie("194", "Amélie", 2001)])
    assert ranked[0].confidence >= THRESHOLD


def test_a_different_film_with_a_similar_title_is_below_the_threshold() -> None:
    ranked = rank(
        MatchQuery("The Lion Sleeps", "movie", 1994), [movie("8587", "The Lion King", 1994)]
    )
    assert ranked[0].confidence < THRESHOLD


def test_the_kind_counts() -> None:
    candidates = [show("1", "Fargo", 2014), movie("275", "Fargo", 1996)]
    ranked = rank(MatchQuery("Fargo", "movie", 1996), candidates)
    assert ranked[0].id == "275"


def test_episode_existence_picks_the_show_that_has_the_episodes() -> None:
    offices = [show("2996", "The Office", 2001), show("2316", "The Office", 2005)]
    seasons = {"2996": {1: 6, 2: 6}, "2316": {n: 20 for n in range(1, 10)}}
    wanted = ((5, 3), (5, 4), (7, 1))

    def share(candidate: Candidate) -> float:
        known = seasons[candidate.id]
        return sum(1 for s, e in wanted if known.get(s, 0) >= e) / len(wanted)

    ranked = rank(MatchQuery("The Office", "show", episodes=wanted), offices, share)
    assert ranked[0].id == "2316" and ranked[0].confidence >= THRESHOLD
    assert ranked[1].confidence < THRESHOLD
    early = rank(MatchQuery("The Office", "show", episodes=((1, 2),)), offices, lambda c: 1.0)
    assert early[0].confidence < THRESHOLD  # both have S01E02: no way to tell


def test_a_known_id_is_certain() -> None:
    exact = Candidate("tmdb", "603", "movie", "The Matrix", 1999, exact_id=True)
    assert rank(MatchQuery("matrix.1080p", "movie"), [exact])[0].confidence == 1.0
