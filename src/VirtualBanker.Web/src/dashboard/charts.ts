// Chart.js with only the pieces the dashboard draws, so the bundle carries nothing else.
import { ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';

Chart.register(ArcElement, BarController, BarElement, CategoryScale, DoughnutController, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);

interface Series { label: string; data: number[]; color: string }

const PALETTE = ['#0b5cad', '#1f7a3d', '#b3261e', '#9a5b00', '#6b3fa0', '#00838f', '#c2185b', '#5d4037', '#455a64', '#7cb342', '#f9a825', '#8e24aa', '#3949ab'];

export function barChart(canvas: HTMLCanvasElement, labels: string[], series: Series[]): Chart {
  return new Chart(canvas, {
    type: 'bar',
    data: { labels, datasets: series.map((s) => ({ label: s.label, data: s.data, backgroundColor: s.color })) },
    options: { maintainAspectRatio: false, animation: false },
  });
}

export function lineChart(canvas: HTMLCanvasElement, labels: string[], series: Series[]): Chart {
  return new Chart(canvas, {
    type: 'line',
    data: { labels, datasets: series.map((s) => ({ label: s.label, data: s.data, borderColor: s.color, backgroundColor: s.color, tension: 0.25 })) },
    options: { maintainAspectRatio: false, animation: false },
  });
}

export function doughnutChart(canvas: HTMLCanvasElement, labels: string[], values: number[]): Chart {
  return new Chart(canvas, {
    type: 'doughnut',
    data: { labels, datasets: [{ data: values, backgroundColor: labels.map((_, i) => PALETTE[i % PALETTE.length]) }] },
    options: { maintainAspectRatio: false, animation: false, plugins: { legend: { position: 'right' } } },
  });
}
