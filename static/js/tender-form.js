// The tender form: shows only the chosen procedure's terms at once, and adds up the award criteria's weights
// as they are typed. Without JavaScript the form works the same: its "Show its terms" button asks the server,
// which checks the weights when the form is saved.
document.addEventListener("DOMContentLoaded", function () {
  var select = document.getElementById("procedure");
  if (select) {
    var showTerms = function () {
      document.querySelectorAll(".tender-form [data-procedures]").forEach(function (element) {
        element.hidden = element.getAttribute("data-procedures").split(" ").indexOf(select.value) === -1;
      });
    };
    select.addEventListener("change", showTerms);
    showTerms();
  }
  var total = document.getElementById("weight-total");
  if (total) {
    var addUp = function () {
      var sum = 0;
      document.querySelectorAll(".criterion-weight").forEach(function (input) {
        var value = parseInt(input.value, 10);
        if (!isNaN(value)) { sum += value; }
      });
      total.textContent = sum;
      total.parentElement.classList.toggle("weight-off", sum !== 100);
    };
    document.querySelectorAll(".criterion-weight").forEach(function (input) {
      input.addEventListener("input", addUp);
    });
    addUp();
  }
});
