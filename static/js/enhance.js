// Runs before the page is drawn: marks it as scripted, so the phone menu starts collapsed
// behind its button. Without JavaScript the menu simply stays open.
document.documentElement.classList.add("js");
