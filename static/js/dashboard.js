// The manager dashboard's charts, drawn from the figures the page embeds as JSON.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  const source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const placements = document.getElementById("chart-placements");
  if (placements) {
    new Chart(placements, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: data.names.started, data: data.series.started },
          { label: data.names.ended, data: data.series.ended },
          { label: data.names.work_or_studies, data: data.series.work_or_studies },
        ],
      },
      options: { responsive: true, scales: { y: { beginAtZero: true } } },
    });
  }
  const matched = document.getElementById("chart-matched");
  if (matched) {
    new Chart(matched, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          { label: data.names.matched_cumulative, data: data.series.matched_cumulative },
          { label: data.names.matched_target, data: data.matched_target, borderDash: [6, 4] },
        ],
      },
      options: { responsive: true, scales: { y: { beginAtZero: true } } },
    });
  }
});
