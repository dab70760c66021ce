{%- if hpo %}

HPO: `--trials N` (default TRIALS) random-searches SEARCH_SPACE, keeps the configuration
with the lowest validation loss, retrains it and tests it (`hpo` in the metrics JSON).
{%- else if hpo_note %}

HPO parameters take their first choice / lower bound (the `# … of HPO …` comments);
`neuralc compile --hpo` generates a script that searches them.
{%- endif %}
