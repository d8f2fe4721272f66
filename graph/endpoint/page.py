"""The query page at ``/``: a small HTML form with the saved queries as examples."""

from __future__ import annotations

import html

from graph.queries.saved import saved_queries


def query_page() -> str:
    """A small HTML form with the saved queries as examples, for people who prefer a browser."""
    examples = "".join(
        f'<option value="{html.escape(q.text, quote=True)}">{html.escape(q.name)}: {html.escape(q.answers)}</option>'
        for q in saved_queries().values()
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>aims SPARQL</title>
<style>body{{font-family:sans-serif;max-width:60rem;margin:2rem auto}}textarea{{width:100%;height:16rem}}</style></head>
<body><h1>aims-graph SPARQL endpoint</h1>
<p>The default graph is the union of all graphs. Results as SPARQL JSON unless you choose otherwise.</p>
<form method="post" action="/sparql"><label>Example
<select onchange="document.getElementById('q').value=this.value"><option value="">-</option>{examples}</select></label>
<textarea id="q" name="query">PREFIX skos: &lt;http://www.w3.org/2004/02/skos/core#&gt;
SELECT ?id ?title WHERE {{ ?c a &lt;https://w3id.org/aims-graph/ontology#Control&gt; ;
  skos:notation ?id ; skos:prefLabel ?title }}</textarea>
<button type="submit">Run</button></form></body></html>"""
