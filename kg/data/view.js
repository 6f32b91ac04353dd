// policy-kg view: draws the graph from the page's JSON data. Text goes in with textContent only.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("kg-data").textContent);
  document.title = data.title;
  document.getElementById("title").textContent = data.title;
  document.getElementById("note").textContent = data.note || "";
  const nodes = new vis.DataSet(data.nodes);
  const edges = new vis.DataSet(data.edges);
  const container = document.getElementById("graph");
  const network = new vis.Network(container, { nodes: nodes, edges: edges }, {
    physics: false,
    interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: data.nodes.length > 2000 },
    layout: { improvedLayout: false },
    edges: { smooth: false, font: { size: 14, align: "middle" }, color: { color: "#999" } },
    nodes: { font: { size: 22 } },
  });
  window.kgNetwork = network;
  network.once("afterDrawing", function () { document.body.dataset.drawn = "1"; });

  const legend = document.getElementById("legend");
  Object.keys(data.classes).forEach(function (cls) {
    const swatch = document.createElement("span");
    swatch.style.background = data.classes[cls];
    legend.appendChild(swatch);
    legend.appendChild(document.createTextNode(cls));
  });

  const hiddenClasses = new Set();
  const hiddenPredicates = new Set();
  function applyFilters() {
    nodes.update(data.nodes.map(function (n) { return { id: n.id, hidden: hiddenClasses.has(n.group) }; }));
    edges.update(data.edges.map(function (e) { return { id: e.id, hidden: hiddenPredicates.has(e.predicate) }; }));
  }
  function checkboxes(target, values, hidden, prefix) {
    const box = document.getElementById(target);
    box.appendChild(document.createTextNode(prefix));
    values.forEach(function (value) {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "checkbox";
      input.checked = true;
      input.dataset.value = value;
      input.addEventListener("change", function () {
        if (input.checked) { hidden.delete(value); } else { hidden.add(value); }
        applyFilters();
      });
      label.appendChild(input);
      label.appendChild(document.createTextNode(value));
      box.appendChild(label);
    });
  }
  checkboxes("classes", Object.keys(data.classes), hiddenClasses, " Classes: ");
  checkboxes("predicates", data.predicates, hiddenPredicates, " Relations: ");

  document.getElementById("search").addEventListener("change", function (event) {
    const wanted = event.target.value.trim().toLowerCase();
    if (!wanted) { return; }
    const found = data.nodes.find(function (n) {
      return n.label.toLowerCase().includes(wanted) || (n.labelZh || "").includes(wanted);
    });
    if (found) {
      network.selectNodes([found.id]);
      network.focus(found.id, { scale: 1.2 });
    }
  });

  const panel = document.getElementById("panel");
  function line(tag, text) {
    const element = document.createElement(tag);
    element.textContent = text;
    panel.appendChild(element);
    return element;
  }
  network.on("click", function (params) {
    if (!params.edges.length || params.nodes.length) { return; }
    const edge = edges.get(params.edges[0]);
    panel.replaceChildren();
    line("h3", nodes.get(edge.from).label + " — " + edge.predicate + " → " + nodes.get(edge.to).label);
    line("p", [edge.documents, edge.date && ("date " + edge.date), edge.modality, "confidence " + edge.confidence]
      .filter(Boolean).join(" · "));
    edge.evidence.forEach(function (sentence) { line("blockquote", sentence).className = "evidence"; });
  });
})();
